package compliance_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/compliance"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/outbox/outboxtest"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/svc/svctest"
)

// TestTransparencyReport builds a known month of moderation and checks
// every figure of the report (R-C4): notices by group and source, cases
// by outcome, own-initiative against notice-based, enforcement by type
// and ground, automated against manual, the median time to action,
// appeals and their outcomes, and reporters suspended for misuse (R-R10).
// Nothing before the period counts.
func TestTransparencyReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := svctest.New(t, db)
		ctx := t.Context()
		pols, err := check.NewPolicies(e.Deps)
		if err != nil {
			t.Fatal(err)
		}
		hooks := &outboxtest.Recorder{}
		cs := cases.New(e.Deps, pols, hooks)
		en := enforce.New(e.Deps, pols, hooks, 0)
		en.Holder, cs.Enforcer = cs, en
		ap := appeal.New(e.Deps, pols, hooks, en)
		ing := ingest.New(e.Deps)
		ing.Hooks = []ingest.Hook{en.IngestHook}
		users := map[string]store.User{}
		for _, role := range []string{"agent", "admin", "appeals_reviewer"} {
			u := store.User{ID: "u-" + role, MarketplaceID: e.MP, Username: role, Role: role, CreatedAt: e.Now()}
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
				t.Fatal(err)
			}
			users[role] = u
		}
		mod := cases.Moderator{User: users["agent"], Via: svctest.System}
		file := func(target, reason, reporter, rtype string, notice bool) cases.Filed {
			t.Helper()
			r := cases.ReportRequest{Target: cases.Target{Type: "account", ID: target}, Reason: reason, Details: "Seen on the marketplace today.",
				Reporter: cases.ReporterRef{ID: reporter, Type: rtype}}
			if notice {
				r.Notice = &cases.Notice{Explanation: "This account sells counterfeit branded goods.", Location: "https://market.example/u/" + target, GoodFaith: true}
			}
			f, err := cs.File(ctx, e.MP, svctest.System, r, "")
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		act := func(caseID, action string, unfounded bool) {
			t.Helper()
			if _, err := cs.Act(ctx, e.MP, mod, caseID, cases.ActionRequest{Action: action, Resolution: "Checked against the policy.", Unfounded: unfounded}); err != nil {
				t.Fatal(err)
			}
		}

		// Before the period: a report and its case, not counted.
		old := file("acct-old", "scam_or_fraud", "r-old", "user", false)
		act(old.CaseID, cases.ActResolve, false)
		e.Advance(24 * time.Hour)
		from := e.Now()

		// Notices and reports: two on one account (a user's report and a
		// trusted flagger's DSA notice), closed after 2 hours; a scam
		// report closed after 6 hours.
		a := file("acct-a", "counterfeit_or_illegal", "r-1", "user", false)
		file("acct-a", "illegal_content", "flagger", "trusted_flagger", true)
		b := file("acct-b", "scam_or_fraud", "r-2", "user", false)
		e.Advance(2 * time.Hour)
		act(a.CaseID, cases.ActRemoveContent, false)
		e.Advance(4 * time.Hour)
		act(b.CaseID, cases.ActWarn, false)
		// A troll's five manifestly unfounded reports, dismissed an hour
		// later: the fifth suspends the reporter.
		var troll []string
		for i := range 5 {
			troll = append(troll, file(fmt.Sprint("acct-t", i), "wrong_price", "troll", "user", false).CaseID)
		}
		e.Advance(time.Hour)
		for _, id := range troll {
			act(id, cases.ActDismiss, true)
		}

		// Enforcement: an admin restricts acct-a for counterfeits and
		// imposes a sanction; the DMCA rule restricts acct-d.
		admin := enforce.Person(users["admin"], audit.Actor{})
		if _, err := en.SetTier(ctx, e.MP, admin, "acct-a", enforce.Restricted, enforce.Decision{Template: "counterfeit"}); err != nil {
			t.Fatal(err)
		}
		if _, err := en.Impose(ctx, e.MP, admin, "acct-b", enforce.SanctionRequest{Kind: enforce.EarlyPayoutLoss, Duration: "7d",
			Decision: enforce.Decision{Template: "fulfilment"}}); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			data, _ := json.Marshal(map[string]any{"account_id": "acct-d"})
			if _, err := ing.Ingest(ctx, e.MP, svctest.System, []event.Envelope{{ID: fmt.Sprint("dmca", i), Type: "dmca.accepted",
				OccurredAt: e.Now().Add(-time.Minute), Data: data}}, true); err != nil {
				t.Fatal(err)
			}
		}
		// Appeals: acct-a's restriction is appealed and reversed.
		filed, err := ap.File(ctx, e.MP, svctest.System, appeal.Filing{AccountID: "acct-a",
			RootCause:          "A supplier sent me replicas I took for genuine stock.",
			CorrectiveAction:   "I removed every item from that supplier and refunded the buyers.",
			PreventiveMeasures: "I buy only from authorised distributors and keep their invoices."}, "")
		if err != nil {
			t.Fatal(err)
		}
		e.Advance(3 * time.Hour)
		if _, err := ap.Decide(ctx, e.MP, appeal.Reviewer{User: users["appeals_reviewer"]}, filed.ID,
			appeal.Review{Outcome: appeal.Reverse, Reply: "The invoices show the stock came from a supplier you trusted."}); err != nil {
			t.Fatal(err)
		}
		e.Advance(time.Hour)

		r, err := compliance.New(e.Deps, ap).Report(ctx, e.MP, from, e.Now())
		if err != nil {
			t.Fatal(err)
		}
		same := func(what string, got, want map[string]int) {
			t.Helper()
			if !maps.Equal(got, want) {
				t.Errorf("%s: %v, want %v", what, got, want)
			}
		}
		if r.Notices.Total != 8 || r.Notices.DSA != 1 {
			t.Errorf("notices %d (DSA %d), want 8 (1)", r.Notices.Total, r.Notices.DSA)
		}
		same("by category", r.Notices.ByCategory, map[string]int{"safety": 2, "fraud": 1, "cost": 5})
		same("by source", r.Notices.BySource, map[string]int{"user": 7, "trusted_flagger": 1})
		same("cases", r.Actions.Cases, map[string]int{"content_removed": 1, "warned": 1, "no_violation": 5})
		if r.Actions.NoticeBased != 7 || r.Actions.OwnInitiative != 0 {
			t.Errorf("notice-based %d, own initiative %d; want 7, 0", r.Actions.NoticeBased, r.Actions.OwnInitiative)
		}
		// Handling times: 2h, 6h and five of 1h: the median is 1h.
		if r.Actions.MedianHours != 1 {
			t.Errorf("median hours to action %v, want 1", r.Actions.MedianHours)
		}
		same("enforcement", r.Actions.Enforcement, map[string]int{"tier:warning": 1, "tier:restricted": 2, "sanction:early_payout_loss": 1, "tier:clear": 1})
		if r.Actions.Automated != 1 || r.Actions.Manual != 11 {
			t.Errorf("automated %d, manual %d; want 1 (the DMCA rule), 11 (4 steps people took, 7 cases they closed)", r.Actions.Automated, r.Actions.Manual)
		}
		// The warning and the reinstatement rest on no template: other.
		same("grounds", r.Actions.ByGround, map[string]int{"counterfeit": 1, "fulfilment": 1, "intellectual_property": 1, "other": 2})
		if r.Appeals.Filed != 1 || r.Appeals.Decided[appeal.Reverse] != 1 || r.Appeals.Reversed != 1 {
			t.Errorf("appeals %+v", r.Appeals)
		}
		if r.MisuseSuspensions != 1 {
			t.Errorf("misuse suspensions %d, want 1", r.MisuseSuspensions)
		}

		b2, err := r.CSV()
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(string(b2))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		find := func(section, item string) string {
			for _, row := range rows {
				if row[0] == section && row[1] == item {
					return row[2]
				}
			}
			return "missing"
		}
		for _, c := range [][3]string{{"notices", "total", "8"}, {"notices_by_source", "trusted_flagger", "1"},
			{"enforcement_by_type", "tier:restricted", "2"}, {"actions", "median_hours_to_action", "1.00"}, {"misuse", "reporters_suspended", "1"}} {
			if got := find(c[0], c[1]); got != c[2] {
				t.Errorf("CSV %s/%s = %s, want %s", c[0], c[1], got, c[2])
			}
		}
	})
}
