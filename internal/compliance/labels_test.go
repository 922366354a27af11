package compliance_test

import (
	"bufio"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/compliance"
	"github.com/vigil-ts/vigil/internal/compliance/compliancetest"
	"github.com/vigil-ts/vigil/internal/detect/text"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/outbox/outboxtest"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/svc/svctest"
)

// seeded wires the real services as the app does, seeds the known set
// of decisions and judgements, and returns the compliance service.
func seeded(t *testing.T, db *store.DB) (*compliance.Service, compliancetest.Seeded, svctest.Env) {
	t.Helper()
	e := svctest.New(t, db)
	pols, err := check.NewPolicies(e.Deps)
	if err != nil {
		t.Fatal(err)
	}
	hooks := &outboxtest.Recorder{}
	texts := func(*policy.Policy) (check.TextScanner, error) { return text.New(text.DefaultConfig()) }
	chk := check.New(e.Deps, pols, texts, hooks)
	cs := cases.New(e.Deps, pols, hooks)
	en := enforce.New(e.Deps, pols, hooks, 0)
	en.Holder, cs.Enforcer, chk.Holder = cs, en, cs
	ap := appeal.New(e.Deps, pols, hooks, en)
	cs.Listings, ap.Listings = chk.Listings, chk.Listings
	s := compliancetest.Seed(t, compliancetest.Services{DB: db, Policies: pols, Checks: chk, Cases: cs, Appeals: ap, Listings: chk.Listings,
		Now: e.Now, Advance: e.Advance}, e.MP)
	e.Advance(time.Hour)
	return compliance.New(e.Deps, ap), s, e
}

// TestLabelExportRoundTrip seeds decisions and the people's judgements
// through the real services, exports the period's labels, reads the JSON
// lines back and checks each: the label and what it rests on, the
// features as the check read them, and no personal data. Decisions
// nobody judged are left out unless all are asked for, and the one made
// before the period never appears.
func TestLabelExportRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cs, s, e := seeded(t, db)
		ctx := t.Context()
		var b strings.Builder
		n, err := cs.Labels(ctx, e.MP, s.From, e.Now(), false, &b)
		if err != nil {
			t.Fatal(err)
		}
		raw := b.String()
		for _, secret := range []string{compliancetest.Phone, "+4915123456789", compliancetest.Street, "20457", "seller-", "sender-1", "buyer-1", "reporter-"} {
			if strings.Contains(raw, secret) {
				t.Errorf("the export carries personal data %q", secret)
			}
		}
		got := parse(t, raw)
		if n != compliancetest.Judged || len(got) != n {
			t.Fatalf("%d labels written, %d lines, want %d:\n%s", n, len(got), compliancetest.Judged, raw)
		}
		for id, w := range s.Want {
			l, ok := got[id]
			if w.Label == "" {
				if ok {
					t.Errorf("decision %s nobody judged is exported: %+v", id, l)
				}
				continue
			}
			if !ok {
				t.Errorf("judged decision %s is missing", id)
				continue
			}
			var by []string
			for _, j := range l.Judgements {
				by = append(by, j.By)
			}
			if l.Label == nil || *l.Label != w.Label || l.Violation == nil || *l.Violation != w.Violation || !slices.Equal(by, w.By) {
				t.Errorf("decision %s (%s %s, %s): label %v violation %v by %v; want %s %v by %v", id, l.Subject.Type, l.Subject.ID, l.Outcome,
					deref(l.Label), deref(l.Violation), by, w.Label, w.Violation, w.By)
			}
		}
		if _, ok := got[s.Old]; ok {
			t.Error("a decision made before the period is exported")
		}

		// Features, findings and rules as the checks saw them.
		held := got[s.IDs["held3"]]
		if held.Kind != "listing" || held.Outcome != "pending_review" || !held.Restricts || held.Category != "music" ||
			held.Features.Price == nil || held.Features.Price.Amount != 900003 || held.Features.Title != "Grand piano model 3" ||
			held.Features.Area == nil || held.Features.Area.City != "Hamburg" || held.Features.Area.PostcodePrefix != "204" || held.PolicyVersion != 1 {
			t.Errorf("held3: %+v", held)
		}
		if !slices.ContainsFunc(held.RuleHits, func(h policy.RuleHit) bool { return h.Rule == compliancetest.LiveRule && h.Fired && !h.Shadow }) ||
			!slices.ContainsFunc(held.Reasons, func(r compliance.Reason) bool {
				return r.Rule == compliancetest.LiveRule && r.Outcome == "pending_review"
			}) {
			t.Errorf("held3's rule hit and reason: %+v %+v", held.RuleHits, held.Reasons)
		}
		if j := held.Judgements; len(j) != 2 || j[0].Outcome != "content_removed" || !j[0].Violation || j[1].Outcome != appeal.Reverse || j[1].Violation {
			t.Errorf("held3's judgements: %+v", j)
		}
		vintage := got[s.IDs["vintage1"]]
		if vintage.Restricts || !slices.ContainsFunc(vintage.RuleHits, func(h policy.RuleHit) bool {
			return h.Rule == compliancetest.ShadowRule && h.Shadow && h.Fired && h.Outcome == "rejected"
		}) {
			t.Errorf("vintage1: %+v", vintage)
		}
		weapon := got[s.IDs["weapon1"]]
		if len(weapon.Findings) == 0 || weapon.Findings[0].Code != "category.prohibited" || weapon.Findings[0].Detector != "category" {
			t.Errorf("weapon1's findings: %+v", weapon.Findings)
		}
		msg := got[s.IDs["message"]]
		i := slices.IndexFunc(msg.Findings, func(f compliance.Finding) bool { return f.Code == "contact.phone" })
		if msg.Kind != "message" || msg.Outcome != "mask" || i < 0 || msg.Findings[i].Value != "" || msg.Findings[i].Span == nil ||
			msg.Features.Text != "Hello! Call me on [hidden] tonight." {
			t.Errorf("message: %+v", msg)
		}

		// --all adds the decisions nobody judged, with a null label.
		b.Reset()
		if n, err = cs.Labels(ctx, e.MP, s.From, e.Now(), true, &b); err != nil || n != compliancetest.Decisions {
			t.Fatalf("all: %d (%v), want %d", n, err, compliancetest.Decisions)
		}
		all := parse(t, b.String())
		if l := all[s.IDs["super1"]]; l.Label != nil || l.Violation != nil || l.Judgements != nil || !strings.Contains(b.String(), `"label":null`) {
			t.Errorf("super1 (superseded before the case closed): %+v", l)
		}
		// The hour before the period holds the old decision alone; a
		// period without decisions writes nothing.
		b.Reset()
		if n, err := cs.Labels(ctx, e.MP, s.From.Add(-time.Hour), s.From, false, &b); err != nil || n != 1 || !strings.Contains(b.String(), s.Old) {
			t.Fatalf("the hour before: %d %v %q", n, err, b.String())
		}
		b.Reset()
		if n, err := cs.Labels(ctx, e.MP, s.From.Add(-48*time.Hour), s.From.Add(-24*time.Hour), true, &b); err != nil || n != 0 || b.Len() != 0 {
			t.Fatalf("a day without decisions: %d %v %q", n, err, b.String())
		}
	})
}

// TestRulePrecision computes the precision of the seed's live rule, its
// shadow rule (with what it would have done) and its detectors, ranked
// worst first.
func TestRulePrecision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cs, s, e := seeded(t, db)
		p, err := cs.Precision(t.Context(), e.MP, s.From, e.Now())
		if err != nil {
			t.Fatal(err)
		}
		if p.Decisions != compliancetest.Decisions || p.Judged != compliancetest.Judged || p.EnoughJudged != compliance.EnoughJudged {
			t.Errorf("decisions %d judged %d, want %d %d", p.Decisions, p.Judged, compliancetest.Decisions, compliancetest.Judged)
		}
		rule := func(name string) compliance.RulePrecision {
			for _, r := range p.Rules {
				if r.Rule == name {
					return r
				}
			}
			t.Fatalf("no figures for rule %s: %+v", name, p.Rules)
			return compliance.RulePrecision{}
		}
		live, shadow := rule(compliancetest.LiveRule), rule(compliancetest.ShadowRule)
		figures(t, "live rule", live.Figures, 4, 3, 1, 2)
		if live.Shadow || live.Check != "listing" || live.WouldHaveDone != "" {
			t.Errorf("live rule: %+v", live)
		}
		figures(t, "shadow rule", shadow.Figures, 3, 2, 1, 1)
		if !shadow.Shadow || shadow.WouldHaveDone != "rejected" || shadow.WouldChange != 3 {
			t.Errorf("shadow rule: %+v", shadow)
		}
		// Worst precision first: the live rule (1/3) before the shadow rule (1/2).
		if p.Rules[0].Rule != compliancetest.LiveRule {
			t.Errorf("rules ranked %+v", p.Rules)
		}
		detector := func(code string) compliance.DetectorPrecision {
			for _, d := range p.Detectors {
				if d.Code == code {
					return d
				}
			}
			t.Fatalf("no figures for %s: %+v", code, p.Detectors)
			return compliance.DetectorPrecision{}
		}
		figures(t, "category.prohibited", detector("category.prohibited").Figures, 2, 2, 1, 1)
		phone := detector("contact.phone")
		figures(t, "contact.phone", phone.Figures, 1, 1, 1, 0)
		if phone.Detector != "contact" {
			t.Errorf("contact.phone's detector %q", phone.Detector)
		}
		if i, j := slices.IndexFunc(p.Detectors, func(d compliance.DetectorPrecision) bool { return d.Code == "category.prohibited" }),
			slices.IndexFunc(p.Detectors, func(d compliance.DetectorPrecision) bool { return d.Code == "contact.phone" }); i > j {
			t.Errorf("detectors ranked %+v", p.Detectors)
		}

		// Before anything was decided: no hits, no precision.
		empty, err := cs.Precision(t.Context(), e.MP, s.From.Add(-48*time.Hour), s.From.Add(-24*time.Hour))
		if err != nil || empty.Decisions != 0 || len(empty.Rules) != 0 || len(empty.Detectors) != 0 {
			t.Fatalf("an empty period: %+v %v", empty, err)
		}
	})
}

// figures checks a row's counts and its precision, upheld / (upheld +
// overturned).
func figures(t *testing.T, what string, f compliance.Figures, hits, judged, upheld, overturned int) {
	t.Helper()
	if f.Hits != hits || f.Judged != judged || f.Upheld != upheld || f.Overturned != overturned {
		t.Errorf("%s: %+v, want hits %d judged %d upheld %d overturned %d", what, f, hits, judged, upheld, overturned)
	}
	want := float64(upheld) / float64(upheld+overturned)
	if f.Precision == nil || *f.Precision != want {
		t.Errorf("%s: precision %v, want %v", what, deref(f.Precision), want)
	}
}

// parse reads JSON lines of labels by decision id.
func parse(t *testing.T, raw string) map[string]compliance.LabelledDecision {
	t.Helper()
	out := map[string]compliance.LabelledDecision{}
	sc := bufio.NewScanner(strings.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l compliance.LabelledDecision
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if _, dup := out[l.DecisionID]; dup {
			t.Fatalf("decision %s exported twice", l.DecisionID)
		}
		out[l.DecisionID] = l
	}
	return out
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
