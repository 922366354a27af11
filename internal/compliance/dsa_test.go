package compliance_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
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

func TestMain(m *testing.M) { storetest.Main(m) }

func good() map[string]any {
	return map[string]any{
		"decision_provision": "DECISION_PROVISION_PARTIAL_SUSPENSION", "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
		"incompatible_content_ground": "Counterfeit goods", "incompatible_content_explanation": "Fake bags.",
		"content_type": []any{"CONTENT_TYPE_OTHER"}, "content_type_other": "marketplace account", "category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
		"content_date": "2026-12-01", "application_date": "2026-12-02", "decision_facts": "Fake bags.", "source_type": "SOURCE_VOLUNTARY",
		"automated_detection": "No", "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED", "puid": "01a2-b3_c", "account_type": "ACCOUNT_TYPE_PRIVATE",
		"territorial_scope": []any{"DE", "FR"}, "category_specification": []any{"KEYWORD_TRADEMARK_INFRINGEMENT"},
	}
}

func TestValidateDSA(t *testing.T) {
	if ps := compliance.ValidateDSA(good()); len(ps) != 0 {
		t.Fatalf("a good record: %v", ps)
	}
	cases := []struct {
		name   string
		change func(r map[string]any)
		want   string
	}{
		{"no decision", func(r map[string]any) { delete(r, "decision_provision") }, "at least one of decision_visibility"},
		{"unknown provision", func(r map[string]any) { r["decision_provision"] = "DECISION_PROVISION_SOME" }, "decision_provision:"},
		{"illegal without its law", func(r map[string]any) { r["decision_ground"] = "DECISION_GROUND_ILLEGAL_CONTENT" }, "illegal_content_legal_ground: is required"},
		{"incompatible without explanation", func(r map[string]any) { delete(r, "incompatible_content_explanation") }, "incompatible_content_explanation: is required"},
		{"other content type unexplained", func(r map[string]any) { delete(r, "content_type_other") }, "content_type_other: is required"},
		{"no content type", func(r map[string]any) { delete(r, "content_type") }, "content_type: is required"},
		{"monetary other unexplained", func(r map[string]any) { r["decision_monetary"] = "DECISION_MONETARY_OTHER" }, "decision_monetary_other: is required"},
		{"visibility other unexplained", func(r map[string]any) { r["decision_visibility"] = []any{"DECISION_VISIBILITY_OTHER"} }, "decision_visibility_other: is required"},
		{"bad puid", func(r map[string]any) { r["puid"] = "a b/c" }, "puid:"},
		{"long puid", func(r map[string]any) { r["puid"] = strings.Repeat("a", 501) }, "puid:"},
		{"bad date", func(r map[string]any) { r["application_date"] = "02.12.2026" }, "application_date:"},
		{"bad category", func(r map[string]any) { r["category"] = "FRAUD" }, "category:"},
		{"facts too long", func(r map[string]any) { r["decision_facts"] = strings.Repeat("x", 5001) }, "decision_facts: is longer than 5000"},
		{"bad automated decision", func(r map[string]any) { r["automated_decision"] = "Yes" }, "automated_decision:"},
		{"missing source", func(r map[string]any) { delete(r, "source_type") }, "source_type: is required"},
		{"retired category", func(r map[string]any) { r["category"] = "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE" }, "category:"},
		{"no territorial scope", func(r map[string]any) { delete(r, "territorial_scope") }, "territorial_scope: is required"},
		{"territory outside the EEA", func(r map[string]any) { r["territorial_scope"] = []any{"DE", "US"} }, `territorial_scope: "US"`},
		{"unknown keyword", func(r map[string]any) { r["category_specification"] = []any{"KEYWORD_FAKE_BAGS"} }, "category_specification:"},
		{"bad account type", func(r map[string]any) { r["account_type"] = "ACCOUNT_TYPE_SHOP" }, "account_type:"},
	}
	for _, c := range cases {
		r := good()
		c.change(r)
		ps := compliance.ValidateDSA(r)
		if !strings.Contains(strings.Join(ps, "\n"), c.want) {
			t.Errorf("%s: %v, want %q", c.name, ps, c.want)
		}
	}
}

// TestExportedStatementsAreValid issues a statement for every kind of
// restriction, by people and by the DMCA rule, for private and business
// users, and checks every exported record against the database's rules,
// free of the accounts' ids, in cursor batches.
func TestExportedStatementsAreValid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := svctest.New(t, db)
		ctx := t.Context()
		pols, err := check.NewPolicies(e.Deps)
		if err != nil {
			t.Fatal(err)
		}
		rec := &outboxtest.Recorder{}
		en := enforce.New(e.Deps, pols, rec, 0)
		ing := ingest.New(e.Deps)
		ing.Hooks = []ingest.Hook{en.IngestHook}
		admin := enforce.Person(store.User{ID: "u-admin", Role: "admin"}, audit.Actor{})
		send := func(id, typ string, data map[string]any) {
			b, _ := json.Marshal(data)
			if _, err := ing.Ingest(ctx, e.MP, svctest.System, []event.Envelope{{ID: id, Type: typ, OccurredAt: e.Now().Add(-time.Hour), Data: b}}, true); err != nil {
				t.Fatal(err)
			}
		}
		send("biz", "account.upserted", map[string]any{"account_id": "acct-biz-1", "kind": "business", "email": "b@example.org"})
		for i, tier := range []string{enforce.Restricted, enforce.Suspended, enforce.Blocked} {
			if _, err := en.SetTier(ctx, e.MP, admin, fmt.Sprintf("acct-tier-%d", i), tier, enforce.Decision{Template: "scam", Source: enforce.SourceReport, Notifier: "trusted_flagger"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := en.SetTier(ctx, e.MP, admin, "acct-biz-1", enforce.Blocked, enforce.Decision{Template: "counterfeit"}); err != nil {
			t.Fatal(err)
		}
		for i, k := range []struct{ kind, dur string }{{enforce.EarlyPayoutLoss, "7d"}, {enforce.RaisedCommission, "7d"}, {enforce.LiveSellingLoss, "7d"},
			{enforce.TemporarySuspension, "7d"}, {enforce.PermanentBan, ""}} {
			req := enforce.SanctionRequest{Kind: k.kind, Duration: k.dur, Decision: enforce.Decision{Template: "fulfilment"}}
			if k.kind == enforce.RaisedCommission {
				req.CommissionRate = 0.2
			}
			if _, err := en.Impose(ctx, e.MP, admin, fmt.Sprintf("acct-sanction-%d", i), req); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 3 {
			send(fmt.Sprint("dmca", i), "dmca.accepted", map[string]any{"account_id": "acct-dmca-1"})
		}
		// Content restrictions: by the checks and by moderators, each
		// subject and what happened as the default mapping names them;
		// masking is not mapped, so it issues none.
		for i, r := range []check.Restriction{
			{SubjectType: "listing", What: "rejected", Ground: "prohibited_items", Clause: "Prohibited items", Source: enforce.SourceDetector, RefType: "decision"},
			{SubjectType: "listing", What: "changes_requested", Source: enforce.SourceDetector, RefType: "decision"},
			{SubjectType: "listing", What: "paused", Ground: "misleading_content", Human: true, Source: enforce.SourceReport, Notifier: "user", RefType: "case"},
			{SubjectType: "message", What: "block", Ground: "phishing", Source: enforce.SourceDetector, RefType: "decision"},
			{SubjectType: "message", What: "mask", Source: enforce.SourceDetector, RefType: "decision"},
			{SubjectType: "message", What: "removed", Ground: "harassment", Human: true, Source: enforce.SourceReport, Notifier: "trusted_flagger", RefType: "case"},
			{SubjectType: "review", What: "reject", Ground: "fake_reviews", Source: enforce.SourceRule, RefType: "decision"},
			{SubjectType: "review", What: "removed", Human: true, Source: enforce.SourceModerator, RefType: "case"},
		} {
			r.MarketplaceID, r.SubjectID, r.AccountID, r.RefID, r.At = e.MP, fmt.Sprintf("item-%d", i), "acct-content-1", fmt.Sprintf("ref-%d", i), e.Now()
			if r.Policy, err = pols.Policy(ctx, e.MP); err != nil {
				t.Fatal(err)
			}
			r.Facts = "The " + r.SubjectType + " broke the rules."
			before := len(rec.Of(enforce.EventStatement))
			if err := db.InTx(ctx, func(tx *store.Tx) error { return en.ContentRestricted(ctx, tx, r) }); err != nil {
				t.Fatal(err)
			}
			sent := rec.Of(enforce.EventStatement)
			if r.What == "mask" {
				if len(sent) != before {
					t.Error("masking a message issued a statement; the default mapping has none for it")
				}
				continue
			}
			if len(sent) != before+1 {
				t.Fatalf("%s.%s issued %d statements, want 1", r.SubjectType, r.What, len(sent)-before)
			}
			got := sent[len(sent)-1].Data
			content, _ := got["content"].(map[string]any)
			record, _ := got["dsa"].(map[string]any)
			want := map[string]string{"removed": "DECISION_VISIBILITY_CONTENT_REMOVED", "rejected": "DECISION_VISIBILITY_CONTENT_REMOVED",
				"block": "DECISION_VISIBILITY_CONTENT_REMOVED", "reject": "DECISION_VISIBILITY_CONTENT_REMOVED",
				"paused": "DECISION_VISIBILITY_CONTENT_DISABLED", "changes_requested": "DECISION_VISIBILITY_CONTENT_DISABLED"}[r.What]
			if content["type"] != r.SubjectType || content["id"] != r.SubjectID || fmt.Sprint(record["decision_visibility"]) != "["+want+"]" {
				t.Errorf("%s.%s: content %v, decision_visibility %v; want %s", r.SubjectType, r.What, content, record["decision_visibility"], want)
			}
			automated := map[bool]string{true: "AUTOMATED_DECISION_NOT_AUTOMATED", false: "AUTOMATED_DECISION_FULLY"}[r.Human]
			if record["automated_decision"] != automated {
				t.Errorf("%s.%s: automated_decision %v, want %s", r.SubjectType, r.What, record["automated_decision"], automated)
			}
		}
		cs := compliance.New(e.Deps, nil)
		var all []json.RawMessage
		cursor := ""
		for range 10 {
			p, err := cs.Statements(ctx, e.MP, "dsa", e.Now().Add(-time.Hour), e.Now().Add(time.Hour), cursor, 4)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, p.Statements...)
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		if len(all) != 17 {
			t.Fatalf("exported %d statements, want 17: 10 account restrictions, 7 content restrictions", len(all))
		}
		seen := map[string]bool{}
		for _, raw := range all {
			if strings.Contains(string(raw), "acct-") || strings.Contains(string(raw), "item-") {
				t.Errorf("a DSA record names an account or an item: %s", raw)
			}
			var r map[string]any
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			if ps := compliance.ValidateDSA(r); len(ps) != 0 {
				t.Errorf("record fails the database's rules: %v\n%s", ps, raw)
			}
			if seen[r["puid"].(string)] {
				t.Errorf("puid %v twice across batches", r["puid"])
			}
			seen[r["puid"].(string)] = true
			if ts, _ := r["territorial_scope"].([]any); len(ts) != 30 {
				t.Errorf("territorial scope %v, want the 30 EEA countries", ts)
			}
		}
		if _, err := cs.Statements(ctx, e.MP, "dsa", e.Now().Add(-time.Hour), e.Now(), "not-a-cursor!", 10); err == nil {
			t.Error("a forged cursor was accepted")
		}
	})
}
