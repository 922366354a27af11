package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// tinyVolume is a data set small enough for a test that still has every
// kind of target, clusters of reports, evidence in reported listings and
// cases whose reports arrive in different periods.
func tinyVolume() Volume {
	return Volume{Accounts: 60, EventsPerAccount: 4, Listings: 400, Cases: 250, Seed: 7, Days: 40,
		End: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// eachDSN runs fn per dialect with a fresh database's address.
func eachDSN(t *testing.T, fn func(t *testing.T, d store.Dialect, dsn func() string)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { fn(t, d, func() string { return storetest.DSN(t, d) }) })
	}
}

// serviceFiler files every report with cases.Service.File, one
// transaction each, at the report's time on the simulated clock.
type serviceFiler struct {
	a     *app.App
	clock *Clock
	mp    string
	actor audit.Actor
}

func (f serviceFiler) Prescan(context.Context, []cases.ReportRequest) error { return nil }
func (f serviceFiler) Flush(context.Context) error                          { return nil }
func (f serviceFiler) File(ctx context.Context, req cases.ReportRequest, at time.Time) error {
	f.clock.Set(at)
	_, err := f.a.Cases.File(ctx, f.mp, f.actor, req, "")
	return err
}

// generateWith generates v into dsn filing reports with the filer
// newFiler makes, then files a burst that spikes one listing, a reporter
// who goes over the hourly rate, and a report on a target Vigil does not
// know. It returns the app (open) and the marketplace.
func generateWith(t *testing.T, dsn string, v Volume, bulk bool) (*app.App, string, *gen) {
	t.Helper()
	ctx := t.Context()
	g := newGen(v)
	if err := g.plan(); err != nil {
		t.Fatal(err)
	}
	clock := &Clock{t: g.start}
	a, err := app.Open(ctx, app.Config{DB: dsn, Version: "test", Now: clock.Now, NewID: seededIDs(v.Seed, clock.Now)}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	var f filer
	newFiler := func(ctx context.Context, mp string, actor audit.Actor) (filer, error) {
		if !bulk {
			f = serviceFiler{a: a, clock: clock, mp: mp, actor: actor}
			return f, nil
		}
		b, err := a.Cases.NewBulk(ctx, mp, actor)
		if err != nil {
			return nil, err
		}
		b.NewReference = seededReferences(v.Seed)
		f = bulkFiler{b}
		return f, nil
	}
	out, err := g.run(ctx, a, clock, nil, newFiler)
	if err != nil {
		t.Fatal(err)
	}
	if out.Cases != v.Cases || out.Listings != v.Listings || out.Accounts != v.Accounts || out.Reports < v.Cases {
		t.Fatalf("generated %+v for %+v", out, v)
	}
	at := g.end.Add(time.Minute)
	var reqs []cases.ReportRequest
	for i := range 12 {
		reqs = append(reqs, cases.ReportRequest{Target: cases.Target{Type: "listing", ID: listingID(3)}, Reason: "scam_or_fraud",
			Reporter: cases.ReporterRef{ID: fmt.Sprintf("burst-%d", i)}})
	}
	for i := range 31 {
		reqs = append(reqs, cases.ReportRequest{Target: cases.Target{Type: "listing", ID: listingID(100 + i)}, Reason: "wrong_price",
			Reporter: cases.ReporterRef{ID: "eager"}})
	}
	reqs = append(reqs, cases.ReportRequest{Target: cases.Target{Type: "review", ID: "rv-unknown"}, Reason: "other", Details: "Fake.",
		Reporter: cases.ReporterRef{ID: "someone", Type: "internal"}})
	if err := f.Prescan(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	limited := 0
	for i, req := range reqs {
		when := at.Add(time.Duration(i) * time.Second)
		clock.Set(when) // as run does: the ids the services draw carry the time
		err := f.File(ctx, req, when)
		if _, ok := err.(cases.RateLimited); ok {
			limited++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if limited != 1 {
		t.Errorf("%d reports refused by the rate limit, want the eager reporter's 31st", limited)
	}
	if err := f.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return a, out.MarketplaceID, g
}

// dump reads every row of query as text, the report references in it
// replaced by their rank (they are drawn at random by File).
func dump(t *testing.T, db *sql.DB, refs *strings.Replacer, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(cols))
		for i, v := range vals {
			switch x := v.(type) {
			case nil:
				parts[i] = "NULL"
			case []byte:
				parts[i] = string(x)
			default:
				parts[i] = fmt.Sprint(x)
			}
			if refs != nil {
				parts[i] = refs.Replace(parts[i])
			}
		}
		out = append(out, strings.Join(parts, " | "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// auditRows are the audit entries without their hashes and the random
// part of API keys (the prefix of their secret) that every one after
// them covers.
const auditRows = `SELECT chain, seq, at, actor_type, actor_id, action, subject_type, subject_id,
	CASE WHEN action = 'api_key.created' THEN '' ELSE detail END FROM audit_log ORDER BY chain, seq`

// references maps each report reference to its rank by filing order.
func references(t *testing.T, db *sql.DB) *strings.Replacer {
	t.Helper()
	var pairs []string
	for i, r := range dump(t, db, nil, `SELECT reference FROM reports ORDER BY created_at, id`) {
		pairs = append(pairs, r, fmt.Sprintf("REF#%d", i))
	}
	return strings.NewReplacer(pairs...)
}

// TestBulkMatchesFile generates the same marketplace twice, filing the
// reports once with the bulk path and once with File one by one, and
// finds the same rows in every table a report writes to — cases with
// their priorities and due times, reports, history with the detectors'
// evidence, spike alerts, reporter records — and the same audit entries,
// each chain intact.
func TestBulkMatchesFile(t *testing.T) {
	eachDSN(t, func(t *testing.T, d store.Dialect, dsn func() string) {
		v := tinyVolume()
		bulkApp, mp, g := generateWith(t, dsn(), v, true)
		fileApp, mp2, _ := generateWith(t, dsn(), v, false)
		if mp != mp2 {
			t.Fatalf("marketplace ids differ: %s, %s", mp, mp2)
		}
		// The plan exercises what it should: a case whose reports arrive
		// in different periods joins a case an earlier flush stored.
		spans := 0
		first := map[int32]int{}
		for h, rs := range g.reportsAt {
			for _, r := range rs {
				if p, ok := first[r.c]; !ok {
					first[r.c] = h
				} else if p != h {
					spans++
				}
			}
		}
		if spans == 0 {
			t.Error("no case's reports span two periods: the join of a stored case goes untested")
		}
		bdb, fdb := bulkApp.DB.W, fileApp.DB.W
		brefs, frefs := references(t, bdb), references(t, fdb)
		for _, q := range []string{
			`SELECT * FROM cases ORDER BY id`,
			`SELECT * FROM reports ORDER BY id`,
			`SELECT * FROM case_events ORDER BY id`,
			`SELECT * FROM alerts ORDER BY id`,
			`SELECT * FROM reporters ORDER BY marketplace_id, reporter_id`,
			auditRows,
			`SELECT chain, seq FROM audit_heads ORDER BY chain`,
		} {
			b, f := dump(t, bdb, brefs, q), dump(t, fdb, frefs, q)
			if len(b) != len(f) {
				t.Errorf("%s: %d rows from the bulk path, %d from File", q, len(b), len(f))
			}
			for i := range min(len(b), len(f)) {
				if b[i] != f[i] {
					t.Errorf("%s: row %d differs:\nbulk: %s\nfile: %s", q, i, b[i], f[i])
					break
				}
			}
		}
		for _, db := range []*store.DB{bulkApp.DB, fileApp.DB} {
			for _, chain := range []string{mp, audit.SystemChain} {
				if _, err := db.VerifyAuditChain(t.Context(), chain); err != nil {
					t.Errorf("audit chain %q: %v", chain, err)
				}
			}
		}
		// What the comparison covered.
		for q, min := range map[string]int{
			`SELECT COUNT(*) FROM alerts WHERE kind = 'spike'`:              1,
			`SELECT COUNT(*) FROM case_events WHERE kind = 'evidence'`:      1,
			`SELECT COUNT(*) FROM cases WHERE report_count > 1`:             10,
			`SELECT COUNT(DISTINCT target_type) FROM cases`:                 4,
			`SELECT COUNT(*) FROM reports WHERE reporter_type <> 'user'`:    1,
			`SELECT COUNT(DISTINCT reason_group) FROM cases`:                5,
			`SELECT COUNT(*) FROM cases WHERE spike_at IS NOT NULL`:         1,
			`SELECT COUNT(*) FROM enforcement_states WHERE tier <> 'clear'`: 2,
		} {
			var n int
			if err := bdb.QueryRow(q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n < min {
				t.Errorf("%s = %d, want at least %d", q, n, min)
			}
		}
	})
}

// TestGenerate checks what Generate stores: the counts asked for, open
// cases the queue lists highest priority first, intact audit chains, a
// case the console opens, and the same data again for the same seed.
func TestGenerate(t *testing.T) {
	eachDSN(t, func(t *testing.T, d store.Dialect, dsn func() string) {
		ctx := t.Context()
		v := tinyVolume()
		path := dsn()
		g, err := Generate(ctx, path, v, quiet(), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		a, err := app.Open(ctx, app.Config{DB: path, Version: "test"}, quiet())
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		mp, err := a.DB.MarketplaceBySlug(ctx, MarketplaceSlug)
		if err != nil || mp.ID != g.MarketplaceID {
			t.Fatalf("generated marketplace: %+v %v", mp, err)
		}
		ds, err := Describe(ctx, a.DB, mp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ds.Listings != int64(v.Listings) || ds.Accounts != int64(v.Accounts) || ds.OpenCases != v.Cases || ds.Events != int64(g.Events) ||
			g.Events != v.Accounts*v.EventsPerAccount+v.Listings {
			t.Errorf("stored %+v, generated %+v, asked %+v", ds, g, v)
		}
		var reports int
		if err := a.DB.R.QueryRow(`SELECT COUNT(*) FROM reports WHERE marketplace_id = $1`, mp.ID).Scan(&reports); err != nil || reports != g.Reports {
			t.Errorf("%d reports stored, %d generated (%v)", reports, g.Reports, err)
		}
		// The queue: highest priority first, the highest of all on top.
		page, err := a.Cases.List(ctx, mp.ID, cases.ListQuery{Limit: 200})
		if err != nil || len(page.Items) != 200 {
			t.Fatalf("queue: %d items, %v", len(page.Items), err)
		}
		if !slices.IsSortedFunc(page.Items, func(x, y cases.Item) int { return -cmpFloat(x.Priority, y.Priority) }) {
			t.Error("the queue's first page is not in priority order")
		}
		var top float64
		a.DB.R.QueryRow(`SELECT MAX(priority) FROM cases WHERE marketplace_id = $1 AND status IN ('pending', 'reviewing')`, mp.ID).Scan(&top)
		if page.Items[0].Priority != top || top <= page.Items[len(page.Items)-1].Priority {
			t.Errorf("top of the queue %.2f, highest open case %.2f", page.Items[0].Priority, top)
		}
		for _, chain := range []string{mp.ID, audit.SystemChain} {
			if n, err := a.DB.VerifyAuditChain(ctx, chain); err != nil || n == 0 {
				t.Errorf("audit chain %q: %d entries, %v", chain, n, err)
			}
		}
		// The same seed, the same data; another seed, other data.
		regenerate := func(v Volume) *store.DB {
			path := dsn()
			if _, err := Generate(ctx, path, v, quiet(), io.Discard); err != nil {
				t.Fatal(err)
			}
			db, err := store.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
		again := regenerate(v)
		v.Seed++
		other := regenerate(v)
		for _, q := range []string{`SELECT * FROM listings ORDER BY marketplace_id, id`, `SELECT * FROM events ORDER BY marketplace_id, id`,
			`SELECT * FROM accounts ORDER BY marketplace_id, id`, `SELECT * FROM cases ORDER BY id`, `SELECT * FROM reports ORDER BY id`,
			`SELECT * FROM case_events ORDER BY id`, `SELECT * FROM risk_states ORDER BY marketplace_id, account_id`, auditRows} {
			first, second := dump(t, a.DB.R, nil, q), dump(t, again.R, nil, q)
			if !slices.Equal(first, second) {
				t.Errorf("%s: %d and %d rows, not the same for one seed", q, len(first), len(second))
			}
			if q == `SELECT * FROM listings ORDER BY marketplace_id, id` && slices.Equal(first, dump(t, other.R, nil, q)) {
				t.Error("another seed generated the same listings")
			}
		}
		// A generated case opens in the console.
		srv := serve(t, a)
		env := &Env{App: a, Server: Server{Base: srv}, MarketplaceID: mp.ID, Run: "t"}
		w, err := consolePage(ctx, env, "/console/cases/{case}", 1)
		if err != nil {
			t.Fatal(err)
		}
		body, status := get(t, w.Server, w.Requests[0].Path)
		if status != http.StatusOK || !strings.Contains(body, page.Items[0].Target.ID) {
			t.Errorf("console %s: %d, target %s in the page: %v", w.Requests[0].Path, status, page.Items[0].Target.ID, strings.Contains(body, page.Items[0].Target.ID))
		}
	})
}

// serve serves a's handler on a loopback port for the test.
func serve(t *testing.T, a *app.App) string {
	t.Helper()
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	return srv.URL
}

// get reads a page with srv's session.
func get(t *testing.T, srv Server, path string) (string, int) {
	t.Helper()
	resp, err := srv.client(1).Get(srv.Base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp.StatusCode
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
