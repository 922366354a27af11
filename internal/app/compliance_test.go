package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/user"
)

// TestTransparencyReportAPI reads the report as JSON and CSV after a
// notice, and refuses an empty period; the report names no one.
func TestTransparencyReportAPI(t *testing.T) {
	s := start(t, store.SQLite, app.Config{})
	_, key := s.tenant(t, "Alpha")
	s.do(t, "POST", "/v1/notices", key, map[string]any{"target": map[string]any{"type": "listing", "id": "l9"},
		"reporter": map[string]any{"id": "flagger-7", "type": "trusted_flagger"}, "explanation": "Counterfeit watches with a registered trademark.",
		"location": "https://market.example/l/l9", "notifier_email": "notices@brand.example", "good_faith": true}).want(t, 201)
	r := s.do(t, "GET", "/v1/transparency-report", key, nil).want(t, 200)
	notices, _ := r.Body["notices"].(map[string]any)
	if notices["total"] != 1.0 || notices["dsa_notices"] != 1.0 {
		t.Fatalf("report: %s", r.Raw)
	}
	if strings.Contains(r.Raw, "flagger-7") || strings.Contains(r.Raw, "brand.example") || strings.Contains(r.Raw, "l9") {
		t.Fatalf("the report names a reporter or a target: %s", r.Raw)
	}
	c := s.do(t, "GET", "/v1/transparency-report?format=csv", key, nil)
	if c.Status != 200 || !strings.HasPrefix(c.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(c.Header.Get("Content-Disposition"), ".csv") || !strings.Contains(c.Raw, "\nnotices_by_source,trusted_flagger,1\n") {
		t.Fatalf("CSV %d %v:\n%s", c.Status, c.Header, c.Raw)
	}
	s.do(t, "GET", "/v1/transparency-report?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", key, nil).problem(t, 422, "from must be before to")
	if spec := s.do(t, "GET", "/openapi.json", "", nil); !strings.Contains(spec.Raw, `"/v1/transparency-report"`) || !strings.Contains(spec.Raw, `"text/csv"`) {
		t.Fatal("the OpenAPI document lacks the transparency report")
	}
}

// TestAuditLogExport exports the marketplace's audit log for a period as
// JSON lines that verify on their own, and only that marketplace's.
func TestAuditLogExport(t *testing.T) {
	s := start(t, store.SQLite, app.Config{})
	_, key := s.tenant(t, "Alpha")
	_, other := s.tenant(t, "Beta")
	for i := range 3 {
		s.do(t, "POST", "/v1/reports", key, map[string]any{"target": map[string]any{"type": "account", "id": fmt.Sprint("acc-", i)},
			"reason": "scam_or_fraud", "reporter": map[string]any{"id": "r1"}}).want(t, 201)
	}
	s.do(t, "POST", "/v1/reports", other, map[string]any{"target": map[string]any{"type": "account", "id": "beta-acc"},
		"reason": "scam_or_fraud", "reporter": map[string]any{"id": "r1"}}).want(t, 201)
	r := s.do(t, "GET", "/v1/audit-log", key, nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("export %d %v: %s", r.Status, r.Header, r.Raw)
	}
	st, err := audit.VerifyExport(strings.NewReader(r.Raw))
	if err != nil {
		t.Fatalf("the export does not verify: %v\n%s", err, r.Raw)
	}
	if n := strings.Count(r.Raw, `"action":"report.filed"`); n != 3 || strings.Contains(r.Raw, "beta-acc") {
		t.Fatalf("%d reports in the export (want 3, none of Beta's):\n%s", n, r.Raw)
	}
	if st.First.Seq != 1 || st.Count != int64(strings.Count(r.Raw, "\n")) {
		t.Fatalf("stretch %+v", st)
	}
	if e := s.do(t, "GET", "/v1/audit-log?to=2020-01-01T00:00:00Z", key, nil); e.Status != 200 || e.Raw != "" {
		t.Fatalf("a period before anything: %d %q", e.Status, e.Raw)
	}
	s.do(t, "GET", "/v1/audit-log?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", key, nil).problem(t, 422, "from must be before to")
}

// TestContentStatements: a listing the checks reject and a listing a
// moderator removes on a report each get a statement of reasons at once,
// in the DSA export with the content restriction's fields; an approval
// issues none, and an unknown ground is refused before anything changes.
func TestContentStatements(t *testing.T) {
	s := start(t, store.SQLite, app.Config{})
	mp, key := s.tenant(t, "Alpha")
	s.do(t, "PUT", "/v1/policy", key, map[string]any{"document": "listing:\n  prohibited_categories: [weapons]\n"}).want(t, 200)
	if r := s.do(t, "POST", "/v1/checks/listing", key, checkListing("w1", "u5", "Hunting knife", 5000, "weapons")).want(t, 200); r.Body["outcome"] != "rejected" {
		t.Fatalf("prohibited category: %s", r.Raw)
	}
	s.do(t, "POST", "/v1/checks/listing", key, checkListing("ok1", "u6", "Road bike", 45000, "bikes")).want(t, 200)

	s.do(t, "POST", "/v1/events", key, batch(ev("l1", "listing.upserted", listing("l1", "seller")))).want(t, 200)
	caseID := s.do(t, "POST", "/v1/reports", key, reportBody("l1", "counterfeit_or_illegal", "buyer-1")).want(t, 201).Body["case_id"].(string)
	agent := s.moderator(t, mp, user.Agent)
	act := func(body map[string]any) response {
		body["moderator_id"] = agent
		return s.do(t, "POST", "/v1/cases/"+caseID+"/actions", key, body)
	}
	act(map[string]any{"action": "remove_content", "template": "content_removed", "ground": "no_such_ground"}).problem(t, 422, "no_such_ground")
	act(map[string]any{"action": "remove_content", "resolution": "Replica handbags sold as genuine.", "ground": "counterfeit"}).want(t, 200)

	r := s.do(t, "GET", "/v1/statements-of-reasons?format=dsa", key, nil).want(t, 200)
	records, _ := r.Body["statements"].([]any)
	if len(records) != 2 {
		t.Fatalf("want 2 statements (the rejection, the removal), got: %s", r.Raw)
	}
	byCategory := map[string]map[string]any{}
	for _, x := range records {
		rec := x.(map[string]any)
		byCategory[rec["category"].(string)] = rec
		if fmt.Sprint(rec["decision_visibility"]) != "[DECISION_VISIBILITY_CONTENT_REMOVED]" {
			t.Errorf("decision_visibility %v, want content removed", rec["decision_visibility"])
		}
	}
	rejected, removed := byCategory["STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"], byCategory["STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"]
	if rejected == nil || rejected["automated_decision"] != "AUTOMATED_DECISION_FULLY" || rejected["source_type"] != "SOURCE_VOLUNTARY" ||
		fmt.Sprint(rejected["category_specification"]) != "[KEYWORD_PROHIBITED_PRODUCTS]" {
		t.Errorf("the check's rejection: %v", rejected)
	}
	if removed == nil || removed["automated_decision"] != "AUTOMATED_DECISION_NOT_AUTOMATED" || removed["source_type"] != "SOURCE_ARTICLE_16" ||
		removed["incompatible_content_explanation"] != "Replica handbags sold as genuine." {
		t.Errorf("the moderator's removal: %v", removed)
	}
	if strings.Contains(r.Raw, "u5") || strings.Contains(r.Raw, "seller") || strings.Contains(r.Raw, "buyer-1") {
		t.Errorf("the export names an account or reporter: %s", r.Raw)
	}
	// The seller's own statement names the listing and how to complain.
	own := s.do(t, "GET", "/v1/accounts/seller/enforcement", key, nil).want(t, 200)
	if !strings.Contains(own.Raw, `"content":{"type":"listing","id":"l1"}`) || !strings.Contains(own.Raw, `"against":{"type":"case","id":"`+caseID+`"}`) {
		t.Errorf("the seller's statement: %s", own.Raw)
	}
}
