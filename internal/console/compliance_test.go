package console

import (
	"net/url"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/user"
)

// TestTransparencyPage draws the report's breakdowns from known reports,
// one bar per item, offers the CSV of the same period, and explains a
// wrong period.
func TestTransparencyPage(t *testing.T) {
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	f.report(t, mp, "account", "a1", "scam_or_fraud", "r1", "")
	f.report(t, mp, "account", "a2", "scam_or_fraud", "tf-1", "")
	f.report(t, mp, "account", "a3", "harassment", "r2", "")
	c := f.loggedIn(t, "agent", user.Agent, "")
	p := c.get("/console/transparency?mp="+mp).want(t, 200, "Transparency report", "Notices by reason group", "3 in all",
		"Notices by source", `<text class="value"`, "Fraud 2, Safety 1", "Download CSV", "Last 365 days")
	if n := strings.Count(p.body, `<rect class="series-open"`); n != 4 {
		t.Errorf("%d bars, want 4 (two reason groups, two sources)", n)
	}
	csv := c.get("/console/transparency.csv?mp=" + mp)
	if csv.StatusCode != 200 || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") || !strings.Contains(csv.body, "notices,total,3") {
		t.Fatalf("CSV %d %s:\n%s", csv.StatusCode, csv.Header.Get("Content-Type"), csv.body)
	}
	c.get("/console/transparency?mp="+mp+"&from=2026-12-10&to=2026-12-01").want(t, 422, "The start date is after the end date.", "3 in all")
	c.get("/console/transparency?mp="+mp+"&from=yesterday").want(t, 422, "not a date")
	// Another marketplace's report counts its own reports only.
	c.get("/console/transparency?mp="+f.other.Marketplace.ID).lacks(t, "Fraud 2")
}

// TestAuditIntegrity verifies the chain from the audit page, finds an
// entry changed behind Vigil's back, and exports a period that verifies
// on its own; agents see neither tool.
func TestAuditIntegrity(t *testing.T) {
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	filed := f.report(t, mp, "account", "a1", "scam_or_fraud", "r1", "")
	admin := f.loggedIn(t, "boss", user.Admin, mp)
	admin.get("/console/audit?mp="+mp).want(t, 200, "Verify the chain now", "Export JSON lines")
	admin.post("/console/audit/verify?mp="+mp, url.Values{}).want(t, 200, "Chain intact.", "entries verified")

	export := admin.get("/console/audit/export?mp=" + mp + "&from=2020-01-01&to=2099-12-31")
	if export.StatusCode != 200 || export.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("export %d %v", export.StatusCode, export.Header)
	}
	st, err := audit.VerifyExport(strings.NewReader(export.body))
	if err != nil || !strings.Contains(export.body, filed.Reference) {
		t.Fatalf("the export: %v\n%s", err, export.body)
	}
	if st.First.Seq != 1 {
		t.Fatalf("stretch %+v", st)
	}
	admin.get("/console/audit/export?mp="+mp+"&from=2026-12-10&to=2026-12-01").want(t, 422, "The start date is after the end date.")

	if _, err := f.db.W.ExecContext(t.Context(), `UPDATE audit_log SET detail = '{}' WHERE chain = $1 AND seq = 2`, mp); err != nil {
		t.Fatal(err)
	}
	admin.post("/console/audit/verify?mp="+mp, url.Values{}).want(t, 200, "Chain broken at entry 2:", "content does not match its hash")

	agent := f.loggedIn(t, "agent", user.Agent, mp)
	agent.get("/console/audit?mp="+mp).want(t, 200, "Audit log").lacks(t, "Verify the chain now")
	agent.post("/console/audit/verify?mp="+mp, url.Values{}).want(t, 403)
	agent.get("/console/audit/export?mp="+mp).want(t, 403)
}
