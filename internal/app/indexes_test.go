package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/demo"
	"github.com/vigil-ts/vigil/internal/store"
)

// smallTables stay small whatever a marketplace's volume: reading one
// whole costs nothing and needs no index.
var smallTables = map[string]bool{"marketplaces": true}

// TestQueriesUseIndexes runs a workload through the app — the demo
// marketplace loaded through the services, the API's reads and the
// console's main pages — recording every query, then has the database
// explain each one, and fails on any that reads a whole table that grows
// with a marketplace. On PostgreSQL sequential scans are disabled for the
// explanation, so the planner chooses one only where no index serves.
func TestQueriesUseIndexes(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			s := start(t, d, app.Config{})
			log := s.DB.LogQueries()
			workload(t, s)
			queries := log.Queries()
			if len(queries) < 100 {
				t.Fatalf("the workload ran only %d distinct queries: it does not cover the app", len(queries))
			}
			tables := tableNames(t, s.DB)
			var scans []string
			for _, q := range queries {
				if tables := wholeTableReads(t, s.DB, tables, q); len(tables) > 0 {
					scans = append(scans, fmt.Sprintf("reads all of %s:\n    %s", strings.Join(tables, ", "), oneLine(q.SQL)))
				}
			}
			if len(scans) > 0 {
				t.Errorf("%d of %d queries read whole tables:\n  %s", len(scans), len(queries), strings.Join(scans, "\n  "))
			}
		})
	}
}

// workload exercises the app as a marketplace and its moderators would.
func workload(t *testing.T, s *server) {
	t.Helper()
	ctx := context.Background()
	l, err := demo.Load(ctx, s.Deps, s.Ingest, 7)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.FileReports(ctx, s.Cases, l.MarketplaceID); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Enforce(ctx, s.DB, s.Enforce, l.MarketplaceID); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.FileAppeals(ctx, s.Appeals, l.MarketplaceID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Enforce.Sweep(ctx, 1000); err != nil {
		t.Fatal(err)
	}
	key := l.APIKey
	decided := s.do(t, "POST", "/v1/checks/listing", key, checkListing("idx-l1", "idx-u1", "Oak table, solid wood", 30000, "furniture")).want(t, 200)
	decisionID, _ := decided.Body["decision_id"].(string)
	s.do(t, "POST", "/v1/reports", key, reportBody("idx-l1", "scam_or_fraud", "idx-buyer")).want(t, 201)
	cs := s.do(t, "GET", "/v1/cases?limit=20", key, nil).want(t, 200)
	items, _ := cs.Body["items"].([]any)
	if len(items) == 0 {
		t.Fatal("the demo has no open cases")
	}
	first := items[0].(map[string]any)
	caseID := first["id"].(string)
	for _, p := range []string{"/v1/marketplace", "/v1/cases?limit=20&sort=age", "/v1/cases/" + caseID, "/v1/events?limit=50",
		"/v1/accounts/idx-u1/capabilities", "/v1/listings/idx-l1", "/v1/policy", "/v1/transparency", "/v1/rules/precision",
		"/v1/appeals", "/v1/statements"} {
		s.do(t, "GET", p, key, nil)
	}
	// The console's pages, as its demo moderator.
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	form := url.Values{"username": {l.Username}, "password": {l.Password}}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/console/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path == "/console/login" {
		t.Fatal("the demo moderator could not log in to the console")
	}
	acc, _ := first["account_id"].(string)
	appeals := s.do(t, "GET", "/v1/appeals", key, nil).want(t, 200)
	listed, _ := appeals.Body["items"].([]any)
	if len(listed) == 0 || decisionID == "" {
		t.Fatalf("the workload has no appeal (%d) or decision (%q)", len(listed), decisionID)
	}
	appealID, _ := listed[0].(map[string]any)["id"].(string)
	for _, p := range []string{"/console/appeals/" + appealID, "/console/decisions/" + decisionID,
		"/console/audit?subject_type=case&subject_id=" + caseID, "/console/audit?subject_type=appeal&subject_id=" + appealID,
		"/console/audit?subject_type=decision&subject_id=" + decisionID,
		"/console/", "/console/cases", "/console/cases?sort=age", "/console/cases/" + caseID, "/console/accounts/" + acc,
		"/console/listings/idx-l1", "/console/appeals", "/console/transparency", "/console/rules", "/console/audit",
		"/console/search?q=" + url.QueryEscape(acc), "/console/recommendations", "/console/decisions"} {
		resp, err := hc.Get(s.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Path == "/console/login" {
			t.Errorf("GET %s: %s at %s", p, resp.Status, resp.Request.URL.Path)
		}
	}
}

var (
	// sqliteScan is a plan step reading a whole table ("SCAN t", not "SCAN
	// t USING INDEX …" that walks an index in order, nor a subquery).
	sqliteScan = regexp.MustCompile(`^SCAN (\w+)$`)
	pgScan     = regexp.MustCompile(`Seq Scan on (\w+)`)
)

// tableNames are the database's tables, so that a derived table's scan
// (a subquery's rows) is not taken for one.
func tableNames(t *testing.T, db *store.DB) map[string]bool {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if db.Dialect == store.Postgres {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	}
	rows, err := db.R.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[n] = true
	}
	if len(out) < 20 {
		t.Fatalf("only %d tables found", len(out))
	}
	return out
}

// wholeTableReads explains q and returns the growing tables its plan
// reads whole.
func wholeTableReads(t *testing.T, db *store.DB, tables map[string]bool, q store.LoggedQuery) []string {
	t.Helper()
	verb := strings.ToUpper(strings.Fields(q.SQL)[0])
	switch verb {
	case "SELECT", "WITH", "UPDATE", "DELETE", "INSERT":
	default:
		return nil
	}
	ctx := context.Background()
	conn, err := db.R.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	explain, scan := "EXPLAIN QUERY PLAN ", sqliteScan
	if db.Dialect == store.Postgres {
		explain, scan = "EXPLAIN ", pgScan
		if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(ctx, "RESET enable_seqscan")
	}
	rows, err := conn.QueryContext(ctx, explain+q.SQL, q.Args...)
	if err != nil {
		t.Fatalf("explain %s: %v", oneLine(q.SQL), err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		detail := strings.TrimSpace(vals[len(vals)-1].String)
		if m := scan.FindStringSubmatch(detail); m != nil && tables[m[1]] && !smallTables[m[1]] {
			out = append(out, m[1])
		}
	}
	return out
}

func oneLine(q string) string { return strings.Join(strings.Fields(q), " ") }
