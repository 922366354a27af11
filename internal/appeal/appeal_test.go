package appeal_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/outbox/outboxtest"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/svc/svctest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type env struct {
	svctest.Env
	db    *store.DB
	en    *enforce.Service
	ap    *appeal.Service
	cs    *cases.Service
	hooks *outboxtest.Recorder
	ing   *ingest.Service
	users map[string]store.User
	n     int
}

var system = svctest.System

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{Env: svctest.New(t, db), db: db, hooks: &outboxtest.Recorder{}, users: map[string]store.User{}}
	d := e.Deps
	ctx := t.Context()
	pols, err := check.NewPolicies(d)
	if err != nil {
		t.Fatal(err)
	}
	e.cs = cases.New(d, pols, e.hooks)
	e.en = enforce.New(d, pols, e.hooks, 0)
	e.en.Holder, e.cs.Enforcer = e.cs, e.en
	e.ap = appeal.New(d, pols, e.hooks, e.en)
	e.ing = ingest.New(d)
	e.ing.Hooks = []ingest.Hook{e.en.IngestHook}
	for _, role := range []string{"agent", "senior_moderator", "appeals_reviewer", "admin"} {
		for i := range 2 {
			u := store.User{ID: fmt.Sprintf("%s-%d", role, i), MarketplaceID: e.MP, Username: fmt.Sprintf("%s%d", role, i), Role: role, CreatedAt: e.Now()}
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
				t.Fatal(err)
			}
			e.users[u.ID] = u
		}
	}
	return e
}

func (e *env) by(id string) enforce.Decider { return enforce.Person(e.users[id], audit.Actor{}) }

func (e *env) reviewer(id string) appeal.Reviewer { return appeal.Reviewer{User: e.users[id]} }

func (e *env) tier(t *testing.T, by, acc, tier string) enforce.Enforced {
	t.Helper()
	r, err := e.en.SetTier(t.Context(), e.MP, e.by(by), acc, tier, enforce.Decision{Template: "scam"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (e *env) caps(t *testing.T, acc string) enforce.Capabilities {
	t.Helper()
	c, err := e.en.Capabilities(t.Context(), e.MP, acc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func poa(acc string) appeal.Filing {
	return appeal.Filing{AccountID: acc,
		RootCause:          "I shipped orders from a warehouse that lost its tracking numbers.",
		CorrectiveAction:   "I moved to a carrier with tracked shipping and refunded the two buyers.",
		PreventiveMeasures: "Every order now ships tracked and I check the dashboard daily."}
}

func (e *env) file(t *testing.T, req appeal.Filing) appeal.Appeal {
	t.Helper()
	v, err := e.ap.File(t.Context(), e.MP, system, req, "")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (e *env) send(t *testing.T, typ string, at time.Time, data map[string]any) {
	t.Helper()
	e.n++
	b, _ := json.Marshal(data)
	if _, err := e.ing.Ingest(t.Context(), e.MP, system, []event.Envelope{{ID: fmt.Sprint("ev", e.n), Type: typ, OccurredAt: at, Data: b}}, true); err != nil {
		t.Fatal(err)
	}
}

func TestFilingWindows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		if _, err := e.ap.File(ctx, e.MP, system, poa("nobody"), ""); !errors.Is(err, appeal.ErrInvalid) {
			t.Fatalf("clear account: %v", err)
		}
		e.tier(t, "senior_moderator-0", "a1", enforce.Restricted)
		short := poa("a1")
		short.CorrectiveAction = "sorry"
		if _, err := e.ap.File(ctx, e.MP, system, short, ""); !errors.Is(err, appeal.ErrInvalid) || !strings.Contains(err.Error(), "corrective_action") {
			t.Fatalf("short plan: %v", err)
		}
		missing := poa("a1")
		missing.PreventiveMeasures = "  "
		if _, err := e.ap.File(ctx, e.MP, system, missing, ""); !errors.Is(err, appeal.ErrInvalid) {
			t.Fatalf("missing part: %v", err)
		}
		v, err := e.ap.File(ctx, e.MP, system, poa("a1"), "key-1")
		if err != nil || v.Tier != enforce.Restricted || !v.DueAt.Equal(e.Now().Add(72*time.Hour)) || v.DecidedBy != "senior_moderator-0" || v.Kind != "appeal" {
			t.Fatalf("appeal: %+v %v", v, err)
		}
		if again, err := e.ap.File(ctx, e.MP, system, poa("a1"), "key-1"); err != nil || again.ID != v.ID || !again.Replayed {
			t.Fatalf("retry: %+v %v", again, err)
		}
		if _, err := e.ap.File(ctx, e.MP, system, poa("a1"), ""); !errors.Is(err, appeal.ErrDuplicate) {
			t.Fatalf("second open appeal: %v", err)
		}
		// SLA by tier: suspended 48h, blocked 24h within the 7-day window.
		e.tier(t, "senior_moderator-0", "a2", enforce.Suspended)
		if v := e.file(t, poa("a2")); !v.DueAt.Equal(e.Now().Add(48 * time.Hour)) {
			t.Fatalf("suspended SLA: %s", v.DueAt)
		}
		e.tier(t, "admin-0", "a3", enforce.Blocked)
		e.tier(t, "admin-0", "a4", enforce.Blocked)
		if v := e.file(t, poa("a3")); !v.DueAt.Equal(e.Now().Add(24 * time.Hour)) {
			t.Fatalf("blocked SLA: %s", v.DueAt)
		}
		e.Advance(7*24*time.Hour + time.Second)
		if _, err := e.ap.File(ctx, e.MP, system, poa("a4"), ""); !errors.Is(err, appeal.ErrClosed) {
			t.Fatalf("blocked after 7 days: %v", err)
		}
		// A sanction, and a content decision within 6 months.
		r, err := e.en.Impose(ctx, e.MP, e.by("senior_moderator-0"), "a5", enforce.SanctionRequest{Kind: enforce.EarlyPayoutLoss, Duration: "30d",
			Decision: enforce.Decision{Template: "fulfilment"}})
		if err != nil {
			t.Fatal(err)
		}
		req := poa("a5")
		req.Decision = &appeal.Ref{Type: appeal.SubjectSanction, ID: r.Action.SanctionID}
		if v := e.file(t, req); v.Decision.ID != r.Action.SanctionID || v.Tier != enforce.Restricted {
			t.Fatalf("sanction appeal: %+v", v)
		}
		f, err := e.cs.File(ctx, e.MP, system, cases.ReportRequest{Target: cases.Target{Type: "account", ID: "a6"}, Reason: "harassment",
			Details: "insults", Reporter: cases.ReporterRef{ID: "r1"}}, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.cs.Act(ctx, e.MP, cases.Moderator{User: e.users["agent-0"]}, f.CaseID, cases.ActionRequest{Action: cases.ActWarn, Template: "warned"}); err != nil {
			t.Fatal(err)
		}
		creq := poa("a6")
		creq.Decision = &appeal.Ref{Type: appeal.SubjectCase, ID: f.CaseID}
		if v := e.file(t, creq); v.Kind != "complaint" || !v.DueAt.Equal(e.Now().Add(72*time.Hour)) || v.DecidedBy != "agent-0" {
			t.Fatalf("complaint: %+v", v)
		}
		e.Advance(24 * time.Hour)
		if _, err := e.ap.Decide(ctx, e.MP, e.reviewer("appeals_reviewer-0"), v.ID, appeal.Review{Outcome: appeal.Maintain, Reply: "The restriction stands: the listings were counterfeit."}); err != nil {
			t.Fatal(err)
		}
		e.Advance(6*31*24*time.Hour + time.Hour)
		e.tier(t, "senior_moderator-0", "a6", enforce.Clear)
		if _, err := e.ap.File(ctx, e.MP, system, creq, ""); !errors.Is(err, appeal.ErrClosed) {
			t.Fatalf("complaint after 6 months: %v", err)
		}
	})
}

func TestReviewersAndOutcomes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		// Three DMCA strikes restrict a1 automatically; its appeal is
		// reversed: clear again, at once.
		for i := range 3 {
			e.send(t, "dmca.accepted", e.Now().Add(-time.Duration(i+1)*time.Hour), map[string]any{"account_id": "a1"})
		}
		v := e.file(t, poa("a1"))
		if v.DecidedBy != "" {
			t.Fatalf("an automatic decision has no decider: %+v", v)
		}
		reply := appeal.Review{Outcome: appeal.Reverse, Reply: "Two of the takedowns were withdrawn by the rights holder."}
		for _, who := range []string{"agent-0", "senior_moderator-0", "admin-0"} {
			if _, err := e.ap.Decide(ctx, e.MP, e.reviewer(who), v.ID, reply); !errors.Is(err, appeal.ErrForbidden) {
				t.Fatalf("%s reviewing: %v", who, err)
			}
		}
		if _, err := e.ap.Decide(ctx, e.MP, e.reviewer("appeals_reviewer-0"), v.ID, appeal.Review{Outcome: appeal.Reverse, Reply: "ok"}); !errors.Is(err, appeal.ErrInvalid) {
			t.Fatalf("a reply without reasons: %v", err)
		}
		got, err := e.ap.Decide(ctx, e.MP, e.reviewer("appeals_reviewer-0"), v.ID, reply)
		if err != nil || got.Status != "decided" || got.Outcome != appeal.Reverse || got.ResultActionID == "" {
			t.Fatalf("reverse: %+v %v", got, err)
		}
		if c := e.caps(t, "a1"); c.Tier != enforce.Clear || !c.CanList {
			t.Fatalf("after reverse: %+v", c)
		}
		if d := e.hooks.Of(appeal.EventDecided); len(d) != 1 || d[0].Data["reply"] != reply.Reply || d[0].Data["outcome"] != "reverse" {
			t.Fatalf("decided webhook: %+v", d)
		}
		if _, err := e.ap.Decide(ctx, e.MP, e.reviewer("appeals_reviewer-1"), v.ID, reply); !errors.Is(err, appeal.ErrInvalid) {
			t.Fatalf("deciding twice: %v", err)
		}

		// Reduce one tier: suspended → restricted.
		e.tier(t, "senior_moderator-0", "a2", enforce.Suspended)
		v = e.file(t, poa("a2"))
		if _, err := e.ap.Decide(ctx, e.MP, e.reviewer("appeals_reviewer-0"), v.ID, appeal.Review{Outcome: appeal.Reduce,
			Reply: "The scam was real but a first offence; restricted instead."}); err != nil {
			t.Fatal(err)
		}
		if c := e.caps(t, "a2"); c.Tier != enforce.Restricted {
			t.Fatalf("after reduce: %s", c.Tier)
		}
		// Maintain: nothing moves.
		e.tier(t, "senior_moderator-0", "a3", enforce.Restricted)
		v = e.file(t, poa("a3"))
		if _, err := e.ap.Decide(ctx, e.MP, e.reviewer("appeals_reviewer-0"), v.ID, appeal.Review{Outcome: appeal.Maintain,
			Reply: "The evidence of counterfeits is clear; the restriction stays."}); err != nil {
			t.Fatal(err)
		}
		if c := e.caps(t, "a3"); c.Tier != enforce.Restricted {
			t.Fatalf("after maintain: %s", c.Tier)
		}
		// Escalate: the due time stays; the escalating reviewer and the
		// admin who blocked cannot decide it, another reviewer can.
		e.tier(t, "admin-0", "a4", enforce.Blocked)
		v = e.file(t, poa("a4"))
		esc, err := e.ap.Decide(ctx, e.MP, e.reviewer("appeals_reviewer-0"), v.ID, appeal.Review{Outcome: appeal.Escalate, Reply: "Needs a senior look: the seller has a long clean record."})
		if err != nil || esc.Status != "escalated" || !esc.DueAt.Equal(v.DueAt) {
			t.Fatalf("escalate: %+v %v", esc, err)
		}
		for _, who := range []string{"appeals_reviewer-0", "admin-0"} {
			if _, err := e.ap.Decide(ctx, e.MP, e.reviewer(who), v.ID, reply); !errors.Is(err, appeal.ErrForbidden) {
				t.Fatalf("%s deciding the escalated appeal: %v", who, err)
			}
		}
		if _, err := e.ap.Decide(ctx, e.MP, e.reviewer("admin-1"), v.ID, appeal.Review{Outcome: appeal.Reduce, Reply: "Reduced to suspended given the clean record."}); err != nil {
			t.Fatal(err)
		}
		if c := e.caps(t, "a4"); c.Tier != enforce.Suspended {
			t.Fatalf("after the senior's reduce: %s", c.Tier)
		}
		// A sanction reversed is lifted; reduce does not apply to it.
		r, err := e.en.Impose(ctx, e.MP, e.by("senior_moderator-0"), "a5", enforce.SanctionRequest{Kind: enforce.TemporarySuspension, Duration: "10d",
			Decision: enforce.Decision{Template: "scam"}})
		if err != nil {
			t.Fatal(err)
		}
		req := poa("a5")
		req.Decision = &appeal.Ref{Type: appeal.SubjectSanction, ID: r.Action.SanctionID}
		v = e.file(t, req)
		if !v.DueAt.Equal(e.Now().Add(48 * time.Hour)) {
			t.Fatalf("temporary suspension uses the suspended SLA: %s", v.DueAt)
		}
		if _, err := e.ap.Decide(ctx, e.MP, e.reviewer("appeals_reviewer-0"), v.ID, appeal.Review{Outcome: appeal.Reduce, Reply: "Reduce what exactly, though?"}); !errors.Is(err, appeal.ErrInvalid) {
			t.Fatalf("reduce a sanction: %v", err)
		}
		if _, err := e.ap.Decide(ctx, e.MP, e.reviewer("appeals_reviewer-0"), v.ID, reply); err != nil {
			t.Fatal(err)
		}
		if c := e.caps(t, "a5"); !c.CanBuy || len(c.Sanctions) != 0 {
			t.Fatalf("after reversing the sanction: %+v", c)
		}
		// A business user's scheduled termination: the complaint during the
		// notice, reversed, cancels it.
		e.send(t, "account.upserted", e.Now().Add(-time.Hour), map[string]any{"account_id": "shop", "kind": "business", "email": "shop@example.org"})
		e.tier(t, "admin-0", "shop", enforce.Blocked)
		v = e.file(t, poa("shop"))
		if v.Kind != "complaint" || !v.BusinessUser || v.Tier != enforce.Blocked {
			t.Fatalf("business complaint: %+v", v)
		}
		if _, err := e.ap.Decide(ctx, e.MP, e.reviewer("appeals_reviewer-1"), v.ID, reply); err != nil {
			t.Fatal(err)
		}
		if c := e.caps(t, "shop"); !c.TerminationAt.IsZero() || c.Tier != enforce.Clear {
			t.Fatalf("termination not cancelled: %+v", c)
		}
	})
}

func TestSLAAndStatistics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		start := e.Now()
		e.tier(t, "admin-0", "b1", enforce.Blocked)
		e.tier(t, "senior_moderator-0", "b2", enforce.Restricted)
		late := e.file(t, poa("b1"))   // due in 24h
		onTime := e.file(t, poa("b2")) // due in 72h
		e.Advance(19 * time.Hour)      // under a quarter of 24h left
		if r, b, err := e.ap.Sweep(ctx, 100); err != nil || r != 1 || b != 0 {
			t.Fatalf("at risk: %d %d %v", r, b, err)
		}
		e.Advance(6 * time.Hour)
		if r, b, err := e.ap.Sweep(ctx, 100); err != nil || r != 0 || b != 1 {
			t.Fatalf("breach: %d %d %v", r, b, err)
		}
		if r, b, _ := e.ap.Sweep(ctx, 100); r+b != 0 {
			t.Fatal("alerted twice")
		}
		if len(e.hooks.Of(appeal.EventBreached)) != 1 || len(e.hooks.Of(appeal.EventAtRisk)) != 1 {
			t.Fatalf("webhooks: %+v", e.hooks.All())
		}
		if v, _ := e.ap.Get(ctx, e.MP, late.ID); !v.Breached {
			t.Fatalf("breach not shown: %+v", v)
		}
		q, err := e.ap.List(ctx, e.MP, nil, "", 10)
		if err != nil || len(q) != 2 || q[0].ID != late.ID {
			t.Fatalf("queue by due time: %+v %v", q, err)
		}
		for _, id := range []string{late.ID, onTime.ID} {
			if _, err := e.ap.Decide(ctx, e.MP, e.reviewer("appeals_reviewer-0"), id, appeal.Review{Outcome: appeal.Maintain, Reply: "The decision stands after review."}); err != nil {
				t.Fatal(err)
			}
		}
		st, err := e.ap.Statistics(ctx, e.MP, start.Add(-time.Hour), e.Now().Add(time.Hour))
		if err != nil || st.Filed != 2 || st.Decided["maintain"] != 2 || st.Breached != 1 || st.WithinSLA != 0.5 || st.ByTier["blocked"] != 1 ||
			st.MedianHrs != 25 {
			t.Fatalf("statistics: %+v %v", st, err)
		}
	})
}
