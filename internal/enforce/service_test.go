package enforce_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/change"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/outbox/outboxtest"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/svc"
	"github.com/vigil-ts/vigil/internal/svc/svctest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// env is an enforcement service over a fresh database with a settable
// clock, fed by real ingestion.
type env struct {
	svctest.Env
	db    *store.DB
	en    *enforce.Service
	cs    *cases.Service
	hooks *outboxtest.Recorder
	ing   *ingest.Service
	n     int
}

var system = svctest.System

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{Env: svctest.New(t, db), db: db, hooks: &outboxtest.Recorder{}}
	d := e.Deps
	pols, err := check.NewPolicies(d)
	if err != nil {
		t.Fatal(err)
	}
	e.cs = cases.New(d, pols, e.hooks)
	e.en = enforce.New(d, pols, e.hooks, 0)
	e.en.Holder, e.cs.Enforcer = e.cs, e.en
	e.ing = ingest.New(d)
	e.ing.Hooks = []ingest.Hook{e.en.IngestHook}
	if db.Dialect == store.Postgres {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		w := change.NewWatcher(db)
		w.Add(enforce.Topic, e.en)
		go w.Run(ctx)
		e.waitLive(t)
	}
	return e
}

// waitLive waits until the service's cache trusts itself (PostgreSQL: the
// listener is connected).
func (e *env) waitLive(t *testing.T) {
	t.Helper()
	waitLive(t, e.en)
}

func waitLive(t *testing.T, s *enforce.Service) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !s.CacheLive() {
		if time.Now().After(deadline) {
			t.Fatal("the capabilities cache never went live")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// send ingests events of one type stamped at; data is the payload.
func (e *env) send(t *testing.T, at time.Time, typ string, data map[string]any) string {
	t.Helper()
	e.n++
	id := fmt.Sprintf("ev-%d", e.n)
	b, _ := json.Marshal(data)
	res, err := e.ing.Ingest(t.Context(), e.MP, system, []event.Envelope{{ID: id, Type: typ, OccurredAt: at, Data: b}}, true)
	if err != nil || res.Accepted != 1 {
		t.Fatalf("ingest %s: %+v %v", typ, res, err)
	}
	return id
}

func (e *env) account(t *testing.T, id, kind string) {
	e.send(t, e.Now().Add(-48*time.Hour), "account.upserted", map[string]any{"account_id": id, "kind": kind, "email": id + "@example.org", "country": "DE"})
}

func (e *env) order(t *testing.T, step, id, buyer, seller string, extra map[string]any) {
	data := map[string]any{"order_id": id, "buyer_id": buyer, "seller_id": seller, "amount": map[string]any{"amount": 2500, "currency": "EUR"}}
	for k, v := range extra {
		data[k] = v
	}
	e.send(t, e.Now().Add(-time.Minute), "order."+step, data)
}

func (e *env) caps(t *testing.T, acc string) enforce.Capabilities {
	t.Helper()
	c, err := e.en.Capabilities(t.Context(), e.MP, acc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) timeline(t *testing.T, acc string) []enforce.Action {
	t.Helper()
	tl, err := e.en.Timeline(t.Context(), e.MP, acc, 100)
	if err != nil {
		t.Fatal(err)
	}
	return tl
}

func person(role string) enforce.Decider {
	return enforce.Person(store.User{ID: "u-" + role, Role: role}, audit.Actor{Type: audit.ActorUser, ID: "u-" + role})
}

var senior, admin, agent = person("senior_moderator"), person("admin"), person("agent")

func TestDMCARules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		strike := func(acc string, at time.Time) string {
			return e.send(t, at, "dmca.accepted", map[string]any{"account_id": acc, "kind": "copyright"})
		}
		now := e.Now()
		// Two strikes: nothing automatic.
		strike("a1", now.Add(-200*24*time.Hour))
		strike("a1", now.Add(-10*24*time.Hour))
		if c := e.caps(t, "a1"); c.Tier != enforce.Clear {
			t.Fatalf("two strikes: %s", c.Tier)
		}
		// The third within 12 months restricts, with its statement.
		third := strike("a1", now.Add(-time.Hour))
		c := e.caps(t, "a1")
		if c.Tier != enforce.Restricted || c.CanList || !c.CanBuy || c.InFlight["paid"] != enforce.OrdersMayComplete {
			t.Fatalf("three strikes: %+v", c)
		}
		tl := e.timeline(t, "a1")
		if len(tl) != 1 || tl[0].Source != enforce.SourceDMCA || !tl[0].Automated || tl[0].SourceRef != third || tl[0].StatementID == "" ||
			tl[0].Ground != "intellectual_property" || !strings.Contains(string(tl[0].Evidence), third) {
			t.Fatalf("timeline: %+v", tl)
		}
		sts, err := e.en.Statements(t.Context(), e.MP, "a1", 10)
		if err != nil || len(sts) != 1 || !sts[0].AutomatedDetection || !sts[0].AutomatedDecision || sts[0].Ground.Type != "illegal_content" ||
			sts[0].DSA["decision_provision"] != "DECISION_PROVISION_PARTIAL_SUSPENSION" || sts[0].DSA["automated_decision"] != "AUTOMATED_DECISION_FULLY" {
			t.Fatalf("statement: %+v %v", sts, err)
		}
		// The fourth changes nothing; the fifth suspends.
		strike("a1", now.Add(-30*time.Minute))
		if c := e.caps(t, "a1"); c.Tier != enforce.Restricted {
			t.Fatalf("four strikes: %s", c.Tier)
		}
		strike("a1", now.Add(-20*time.Minute))
		if c := e.caps(t, "a1"); c.Tier != enforce.Suspended || c.CanMessage || c.InFlight["shipped"] != enforce.OrdersFrozen {
			t.Fatalf("five strikes: %+v", c)
		}

		// Strikes older than the window no longer count: two expired, one
		// exactly at the window's edge, one new.
		edge := now.AddDate(0, -12, 0)
		strike("a2", edge.Add(-24*time.Hour))
		strike("a2", edge.Add(-time.Second))
		strike("a2", edge)
		strike("a2", now.Add(-time.Hour))
		if c := e.caps(t, "a2"); c.Tier != enforce.Clear {
			t.Fatalf("expired strikes counted: %s", c.Tier)
		}
		// One second inside the window counts.
		strike("a3", edge.Add(time.Second))
		strike("a3", now.Add(-2*time.Hour))
		strike("a3", now.Add(-time.Hour))
		if c := e.caps(t, "a3"); c.Tier != enforce.Restricted {
			t.Fatalf("strike inside the window not counted: %s", c.Tier)
		}
		// An account a person already suspended stays suspended.
		if _, err := e.en.SetTier(t.Context(), e.MP, senior, "a4", enforce.Suspended, enforce.Decision{Template: "scam"}); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			strike("a4", now.Add(-time.Duration(i+1)*time.Minute))
		}
		if c := e.caps(t, "a4"); c.Tier != enforce.Suspended {
			t.Fatalf("DMCA rule lowered a tier: %s", c.Tier)
		}
		if n := len(e.hooks.Of(enforce.EventTierChanged)); n != 4 {
			t.Errorf("tier webhooks: %d, want 4", n)
		}
	})
}

func TestManualTiersAndRoles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		_, err := e.en.SetTier(ctx, e.MP, agent, "seller-qx", enforce.Restricted, enforce.Decision{Template: "counterfeit"})
		if !errors.Is(err, enforce.ErrForbidden) {
			t.Fatalf("agent restricting: %v", err)
		}
		if _, err := e.en.SetTier(ctx, e.MP, senior, "seller-qx", enforce.Restricted, enforce.Decision{}); !errors.Is(err, enforce.ErrInvalid) {
			t.Fatalf("no reason: %v", err)
		}
		if _, err := e.en.SetTier(ctx, e.MP, senior, "seller-qx", enforce.Restricted, enforce.Decision{Reason: "x", Ground: "made_up"}); !errors.Is(err, enforce.ErrInvalid) {
			t.Fatalf("unknown ground: %v", err)
		}
		if _, err := e.en.SetTier(ctx, e.MP, enforce.Automation("rule"), "seller-qx", enforce.Restricted, enforce.Decision{Reason: "rule says so"}); !errors.Is(err, enforce.ErrForbidden) {
			t.Fatalf("automation restricting: %v", err)
		}
		if tl := e.timeline(t, "seller-qx"); len(tl) != 0 {
			t.Fatalf("refused decisions were recorded: %+v", tl)
		}
		r, err := e.en.SetTier(ctx, e.MP, senior, "seller-qx", enforce.Restricted, enforce.Decision{Template: "counterfeit", Source: enforce.SourceReport, SourceRef: "case-1",
			Notifier: "trusted_flagger", Evidence: map[string]any{"reports": []string{"VR-1"}}})
		if err != nil {
			t.Fatal(err)
		}
		st := r.Statement
		if st == nil || st.Facts == "" || st.AutomatedDetection || st.AutomatedDecision || st.Ground.Clause != "Counterfeit goods" ||
			st.Restriction.Tier != enforce.Restricted || len(st.Restriction.Scope) == 0 || !st.Redress.Appeal.Available ||
			st.Redress.Appeal.DecidedWithin != "72h" || st.DSA["source_type"] != "SOURCE_TRUSTED_FLAGGER" ||
			st.DSA["category"] != "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS" || st.DSA["automated_detection"] != "No" {
			t.Fatalf("statement: %+v", st)
		}
		if b, _ := json.Marshal(st.DSA); strings.Contains(string(b), "seller-qx") {
			t.Errorf("the DSA record names the account: %s", b)
		}
		if r.Capabilities.Tier != enforce.Restricted || r.Action.Actor.ID != "u-senior_moderator" || r.Action.Source != enforce.SourceReport {
			t.Fatalf("result: %+v", r)
		}
		if got := e.hooks.Of(enforce.EventStatement); len(got) != 1 || got[0].Data["id"] != st.ID {
			t.Fatalf("statement webhook: %+v", got)
		}
		// Lowering is for the reverse role; warning needs no statement.
		if _, err := e.en.SetTier(ctx, e.MP, agent, "seller-qx", enforce.Warning, enforce.Decision{Reason: "resolved"}); !errors.Is(err, enforce.ErrForbidden) {
			t.Fatalf("agent lowering: %v", err)
		}
		r, err = e.en.SetTier(ctx, e.MP, senior, "seller-qx", enforce.Warning, enforce.Decision{Reason: "The seller removed the listings."})
		if err != nil || r.Statement != nil || r.Capabilities.Tier != enforce.Warning || !r.Capabilities.CanList {
			t.Fatalf("lowering: %+v %v", r, err)
		}
		if tl := e.timeline(t, "seller-qx"); len(tl) != 2 || tl[0].FromTier != enforce.Restricted || tl[0].ToTier != enforce.Warning {
			t.Fatalf("timeline: %+v", tl)
		}
	})
}

func TestSanctionsExpireAndRemedialLifts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		r, err := e.en.Impose(ctx, e.MP, senior, "s1", enforce.SanctionRequest{Kind: enforce.EarlyPayoutLoss, Duration: "7d", Decision: enforce.Decision{Template: "fulfilment"}})
		if err != nil || r.Capabilities.EarlyPayout || len(r.Capabilities.Sanctions) != 1 || r.Statement == nil ||
			r.Statement.DSA["decision_monetary"] != "DECISION_MONETARY_OTHER" || r.Statement.DSA["end_date_monetary_restriction"] == nil {
			t.Fatalf("impose: %+v %v", r, err)
		}
		if _, err := e.en.Impose(ctx, e.MP, senior, "s1", enforce.SanctionRequest{Kind: enforce.TemporarySuspension, Duration: "31d", Decision: enforce.Decision{Template: "scam"}}); !errors.Is(err, enforce.ErrInvalid) {
			t.Fatalf("suspension over 30 days: %v", err)
		}
		if _, err := e.en.Impose(ctx, e.MP, senior, "s1", enforce.SanctionRequest{Kind: enforce.LiveSellingLoss, Duration: "7d", Remedial: "shipping_quiz",
			Decision: enforce.Decision{Template: "harassment"}}); !errors.Is(err, enforce.ErrInvalid) {
			t.Fatalf("a behavioural sanction with a remedial path: %v", err)
		}
		// A logistics sanction with the quiz as its remedial path, and a
		// behavioural one.
		live, err := e.en.Impose(ctx, e.MP, senior, "s1", enforce.SanctionRequest{Kind: enforce.LiveSellingLoss, Duration: "14d", Class: enforce.Logistics,
			Remedial: "shipping_quiz", Decision: enforce.Decision{Template: "fulfilment"}})
		if err != nil || live.Capabilities.CanGoLive {
			t.Fatalf("live selling: %+v %v", live, err)
		}
		if _, err := e.en.Impose(ctx, e.MP, senior, "s1", enforce.SanctionRequest{Kind: enforce.RaisedCommission, Duration: "10d", CommissionRate: 0.2,
			Decision: enforce.Decision{Template: "harassment"}}); err != nil {
			t.Fatal(err)
		}
		// Another quiz lifts nothing; the shipping quiz lifts the
		// logistics sanction and only that.
		e.send(t, e.Now(), "remedial.completed", map[string]any{"account_id": "s1", "kind": "returns_quiz"})
		if c := e.caps(t, "s1"); c.CanGoLive {
			t.Fatal("the wrong remedial step lifted live selling")
		}
		quiz := e.send(t, e.Now(), "remedial.completed", map[string]any{"account_id": "s1", "kind": "shipping_quiz"})
		c := e.caps(t, "s1")
		if !c.CanGoLive || c.EarlyPayout || c.CommissionRate == nil || *c.CommissionRate != 0.2 || len(c.Sanctions) != 2 {
			t.Fatalf("after the quiz: %+v", c)
		}
		if tl := e.timeline(t, "s1"); tl[0].Kind != "sanction_lifted" || tl[0].SourceRef != quiz || tl[0].SanctionID != live.Action.SanctionID {
			t.Fatalf("lift recorded: %+v", tl[0])
		}
		// Expiry: at 7 days the early payout is back at once, and the sweep
		// records it.
		e.Advance(7*24*time.Hour + time.Second)
		if c := e.caps(t, "s1"); !c.EarlyPayout || len(c.Sanctions) != 1 {
			t.Fatalf("expired sanction still counts: %+v", c)
		}
		sw, err := e.en.Sweep(ctx, 100)
		if err != nil || sw.Expired != 1 {
			t.Fatalf("sweep: %+v %v", sw, err)
		}
		if got := e.hooks.Of(enforce.EventSanctionEnded); len(got) != 2 || got[1].Data["status"] != "expired" {
			t.Fatalf("ended webhooks: %+v", got)
		}
		if sw, _ := e.en.Sweep(ctx, 100); sw.Expired != 0 {
			t.Fatalf("expired twice: %+v", sw)
		}
		// Lifting early is for the reverse role.
		cur := e.caps(t, "s1").Sanctions[0]
		if _, err := e.en.Lift(ctx, e.MP, agent, "s1", cur.ID, enforce.Decision{Reason: "goodwill"}); !errors.Is(err, enforce.ErrForbidden) {
			t.Fatalf("agent lifting: %v", err)
		}
		if r, err := e.en.Lift(ctx, e.MP, senior, "s1", cur.ID, enforce.Decision{Reason: "The seller appealed by phone."}); err != nil || r.Capabilities.CommissionRate != nil {
			t.Fatalf("lift: %+v %v", r, err)
		}
	})
}

func TestFrozenOrders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		e.order(t, "created", "o1", "b1", "s1", nil)
		e.order(t, "paid", "o2", "b2", "s1", nil)
		e.order(t, "shipped", "o3", "s1", "s9", map[string]any{"tracking_number": "T3"})
		e.order(t, "delivered", "o4", "b4", "s1", nil)
		r, err := e.en.SetTier(ctx, e.MP, senior, "s1", enforce.Restricted, enforce.Decision{Template: "misleading"})
		if err != nil || len(r.Capabilities.FrozenOrders) != 0 || r.Capabilities.InFlight["paid"] != enforce.OrdersMayComplete {
			t.Fatalf("restricted: %+v %v", r.Capabilities, err)
		}
		r, err = e.en.SetTier(ctx, e.MP, senior, "s1", enforce.Suspended, enforce.Decision{Template: "scam"})
		if err != nil || !slices.Equal(r.Capabilities.FrozenOrders, []string{"o1", "o2", "o3"}) || r.Capabilities.InFlight["created"] != enforce.OrdersFrozen {
			t.Fatalf("suspended: %+v %v", r.Capabilities, err)
		}
		frozen := e.hooks.Of(enforce.EventOrdersFrozen)
		if len(frozen) != 1 || fmt.Sprint(frozen[0].Data["orders"]) != "[o1 o2 o3]" {
			t.Fatalf("frozen webhook: %+v", frozen)
		}
		// An order refunded meanwhile leaves the set; a new one joins it.
		e.order(t, "refunded", "o2", "b2", "s1", nil)
		e.order(t, "created", "o5", "b5", "s1", nil)
		if c := e.caps(t, "s1"); !slices.Equal(c.FrozenOrders, []string{"o1", "o3", "o5"}) {
			t.Fatalf("frozen after events: %v", c.FrozenOrders)
		}
		// Back to restricted: the orders may complete again.
		r, err = e.en.SetTier(ctx, e.MP, senior, "s1", enforce.Restricted, enforce.Decision{Reason: "Suspension reduced after review."})
		if err != nil || len(r.Capabilities.FrozenOrders) != 0 || r.Capabilities.InFlight["shipped"] != enforce.OrdersMayComplete {
			t.Fatalf("unsuspended: %+v %v", r.Capabilities, err)
		}
		if un := e.hooks.Of(enforce.EventOrdersUnfrozen); len(un) != 1 || fmt.Sprint(un[0].Data["orders"]) != "[o1 o3 o5]" {
			t.Fatalf("unfrozen webhook: %+v", un)
		}
		// A temporary suspension freezes until it expires.
		if _, err := e.en.Impose(ctx, e.MP, senior, "b2", enforce.SanctionRequest{Kind: enforce.TemporarySuspension, Duration: "3d", Decision: enforce.Decision{Template: "scam"}}); err != nil {
			t.Fatal(err)
		}
		e.order(t, "paid", "o6", "b2", "s7", nil)
		if c := e.caps(t, "b2"); !slices.Equal(c.FrozenOrders, []string{"o6"}) || c.CanBuy {
			t.Fatalf("temporary suspension: %+v", c)
		}
		e.Advance(3*24*time.Hour + time.Second)
		if _, err := e.en.Sweep(ctx, 100); err != nil {
			t.Fatal(err)
		}
		if c := e.caps(t, "b2"); len(c.FrozenOrders) != 0 || !c.CanBuy {
			t.Fatalf("after the suspension: %+v", c)
		}
	})
}

func TestBusinessTerminationNotice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		e.account(t, "shop", "business")
		e.account(t, "private", "private")
		e.order(t, "paid", "o1", "buyer", "shop", nil)
		now := e.Now()
		r, err := e.en.SetTier(ctx, e.MP, admin, "shop", enforce.Blocked, enforce.Decision{Template: "counterfeit"})
		if err != nil {
			t.Fatal(err)
		}
		st := r.Statement
		if st == nil || !st.Business || !st.EffectiveAt.Equal(now.Add(30*24*time.Hour)) || !st.IssuedAt.Equal(now) ||
			r.Action.Kind != "termination_scheduled" || st.DSA["account_type"] != "ACCOUNT_TYPE_BUSINESS" ||
			st.DSA["decision_account"] != "DECISION_ACCOUNT_TERMINATED" || !st.Redress.Appeal.Deadline.Equal(st.EffectiveAt.Add(7*24*time.Hour)) {
			t.Fatalf("business block: %+v %+v", r.Action, st)
		}
		if c := r.Capabilities; c.Tier != enforce.Clear || !c.CanList || !c.TerminationAt.Equal(st.EffectiveAt) {
			t.Fatalf("during the notice period: %+v", c)
		}
		if got := e.hooks.Of(enforce.EventTerminationSchedule); len(got) != 1 {
			t.Fatalf("scheduled webhook: %+v", got)
		}
		// The notice runs out: blocked at once, recorded by the sweep.
		e.Advance(30*24*time.Hour + time.Second)
		if c := e.caps(t, "shop"); c.Tier != enforce.Blocked || c.Access != "revoked" {
			t.Fatalf("after the notice: %+v", c)
		}
		if sw, err := e.en.Sweep(ctx, 100); err != nil || sw.Terminated != 1 {
			t.Fatalf("sweep: %+v %v", sw, err)
		}
		if c := e.caps(t, "shop"); c.Tier != enforce.Blocked || !slices.Equal(c.FrozenOrders, []string{"o1"}) {
			t.Fatalf("terminated: %+v", c)
		}
		if tl := e.timeline(t, "shop"); tl[0].Kind != "termination_effective" || tl[0].StatementID != st.ID {
			t.Fatalf("timeline: %+v", tl[0])
		}
		// With an exception, or for a private user, the block is at once.
		e.account(t, "shop2", "business")
		if _, err := e.en.SetTier(ctx, e.MP, admin, "shop2", enforce.Blocked, enforce.Decision{Template: "scam", Exception: "nonsense"}); !errors.Is(err, enforce.ErrInvalid) {
			t.Fatalf("unknown exception: %v", err)
		}
		r, err = e.en.SetTier(ctx, e.MP, admin, "shop2", enforce.Blocked, enforce.Decision{Template: "scam", Exception: "repeated_infringement"})
		if err != nil || r.Capabilities.Tier != enforce.Blocked || r.Statement.NoticeException != "repeated_infringement" {
			t.Fatalf("exception: %+v %v", r, err)
		}
		r, err = e.en.SetTier(ctx, e.MP, admin, "private", enforce.Blocked, enforce.Decision{Template: "scam"})
		if err != nil || r.Capabilities.Tier != enforce.Blocked || r.Statement.Business {
			t.Fatalf("private: %+v %v", r, err)
		}
		// A scheduled ban can be cancelled by another decision.
		e.account(t, "shop3", "business")
		if _, err := e.en.Impose(ctx, e.MP, admin, "shop3", enforce.SanctionRequest{Kind: enforce.PermanentBan, Decision: enforce.Decision{Template: "scam"}}); err != nil {
			t.Fatal(err)
		}
		if c := e.caps(t, "shop3"); c.Access != "full" || c.TerminationAt.IsZero() {
			t.Fatalf("scheduled ban: %+v", c)
		}
		// Another tier decision leaves a scheduled ban in place; a second
		// termination is refused; cancelling lifts the ban before it starts.
		if _, err := e.en.SetTier(ctx, e.MP, senior, "shop3", enforce.Flagged, enforce.Decision{Reason: "Closer review meanwhile."}); err != nil {
			t.Fatal(err)
		}
		if c := e.caps(t, "shop3"); c.TerminationAt.IsZero() || c.Tier != enforce.Flagged {
			t.Fatalf("scheduled ban dropped by a tier change: %+v", c)
		}
		if _, err := e.en.SetTier(ctx, e.MP, admin, "shop3", enforce.Blocked, enforce.Decision{Template: "scam"}); !errors.Is(err, enforce.ErrInvalid) {
			t.Fatalf("second termination: %v", err)
		}
		if _, err := e.en.CancelTermination(ctx, e.MP, agent, "shop3", enforce.Decision{Reason: "x"}); !errors.Is(err, enforce.ErrForbidden) {
			t.Fatalf("agent cancelling: %v", err)
		}
		r, err = e.en.CancelTermination(ctx, e.MP, senior, "shop3", enforce.Decision{Reason: "The seller proved the goods genuine."})
		if err != nil || !r.Capabilities.TerminationAt.IsZero() || len(r.Capabilities.Sanctions) != 0 || r.Action.SourceRef == "" {
			t.Fatalf("cancel: %+v %v", r, err)
		}
		e.Advance(31 * 24 * time.Hour)
		if c := e.caps(t, "shop3"); c.Access != "full" {
			t.Fatalf("cancelled ban took effect: %+v", c)
		}
	})
}

func TestLogisticsRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		for i := range 10 {
			e.order(t, "created", fmt.Sprintf("o%d", i), fmt.Sprintf("b%d", i), "s1", nil)
			e.order(t, "shipped", fmt.Sprintf("o%d", i), fmt.Sprintf("b%d", i), "s1", map[string]any{"tracking_number": fmt.Sprint("T", i)})
		}
		if _, err := e.en.Sweep(ctx, 100); err != nil {
			t.Fatal(err)
		}
		if c := e.caps(t, "s1"); c.Tier != enforce.Clear || len(c.Sanctions) != 0 {
			t.Fatalf("a seller shipping on time: %+v", c)
		}
		// One late in ten is at the limit, not over it; two are over.
		e.send(t, e.Now(), "shipment.late", map[string]any{"order_id": "o1", "seller_id": "s1", "days_late": 2, "has_tracking": true})
		e.en.Sweep(ctx, 100)
		if c := e.caps(t, "s1"); !c.CanGoLive {
			t.Fatal("10% late is not over 10%")
		}
		e.send(t, e.Now(), "shipment.late", map[string]any{"order_id": "o2", "seller_id": "s1", "days_late": 3, "has_tracking": true})
		if _, err := e.en.Sweep(ctx, 100); err != nil {
			t.Fatal(err)
		}
		c := e.caps(t, "s1")
		if c.CanGoLive || len(c.Sanctions) != 1 || c.Sanctions[0].Remedial != "shipping_quiz" || c.Sanctions[0].Class != enforce.Logistics ||
			!c.Sanctions[0].ExpiresAt.Equal(e.Now().Add(14*24*time.Hour)) {
			t.Fatalf("late shipments: %+v", c)
		}
		tl := e.timeline(t, "s1")
		if len(tl) != 1 || tl[0].Source != enforce.SourceLogistics || !tl[0].Automated || !strings.Contains(string(tl[0].Evidence), `"o2"`) {
			t.Fatalf("timeline: %+v", tl)
		}
		// Applied once per crossing: a third late shipment adds nothing.
		e.send(t, e.Now(), "shipment.late", map[string]any{"order_id": "o3", "seller_id": "s1", "days_late": 1, "has_tracking": true})
		e.en.Sweep(ctx, 100)
		if n := len(e.timeline(t, "s1")); n != 1 {
			t.Fatalf("rule applied again: %d entries", n)
		}
		// Refunds over a quarter recommend loss of early payout to a person
		// and open a case, without imposing it.
		for _, o := range []string{"o4", "o5", "o6"} {
			e.order(t, "refunded", o, "b"+o[1:], "s1", nil)
		}
		if _, err := e.en.Sweep(ctx, 100); err != nil {
			t.Fatal(err)
		}
		recs, err := e.en.Recommendations(ctx, e.MP, "pending", "s1", 10)
		if err != nil || len(recs) != 1 || recs[0].Sanction != enforce.EarlyPayoutLoss || recs[0].Source != enforce.SourceLogistics {
			t.Fatalf("recommendations: %+v %v", recs, err)
		}
		rejected, err := e.en.Decide(ctx, e.MP, senior, recs[0].ID, false, enforce.Decision{Reason: "The refunds were the buyers' own mistakes."})
		if err != nil || rejected.Status != "rejected" || rejected.Note == "" || rejected.DecidedBy != "user:u-senior_moderator" {
			t.Fatalf("reject: %+v %v", rejected, err)
		}
		if tl := e.timeline(t, "s1"); tl[0].Kind != "recommendation_rejected" || tl[0].SanctionKind != enforce.EarlyPayoutLoss {
			t.Fatalf("rejection on the timeline: %+v", tl[0])
		}
		if c := e.caps(t, "s1"); !c.EarlyPayout {
			t.Fatal("a recommendation was imposed")
		}
		page, err := e.cs.List(ctx, e.MP, cases.ListQuery{Status: "open", Limit: 10})
		if err != nil || len(page.Items) != 1 || page.Items[0].Target.ID != "s1" {
			t.Fatalf("case for the recommendation: %+v %v", page, err)
		}
		// The window slides: 31 days on, the seller is under every rule
		// again and the crossings clear.
		e.Advance(31 * 24 * time.Hour)
		e.en.Sweep(ctx, 100)
		if xs, _ := db.Crossings(ctx, e.MP, "s1"); len(xs) != 0 {
			t.Fatalf("crossings left: %+v", xs)
		}
	})
}

func TestRecommendationsFromCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		var mods [3]store.User
		for i, role := range []string{"agent", "senior_moderator", "admin"} {
			u := store.User{ID: "u" + fmt.Sprint(i), MarketplaceID: e.MP, Username: role, Role: role, CreatedAt: e.Now()}
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
				t.Fatal(err)
			}
			mods[i] = u
		}
		report := func(target string) string {
			f, err := e.cs.File(ctx, e.MP, system, cases.ReportRequest{Target: cases.Target{Type: "account", ID: target}, Reason: "scam_or_fraud",
				Details: "asked for payment outside", Reporter: cases.ReporterRef{ID: "r-" + target, Type: "user"}}, "")
			if err != nil {
				t.Fatal(err)
			}
			return f.CaseID
		}
		m := func(i int) cases.Moderator {
			return cases.Moderator{User: mods[i], Via: audit.Actor{Type: audit.ActorUser, ID: mods[i].ID}}
		}
		// An agent's warn on a case moves the account to warning.
		c1 := report("x1")
		if _, err := e.cs.Act(ctx, e.MP, m(0), c1, cases.ActionRequest{Action: cases.ActWarn, Template: "warned"}); err != nil {
			t.Fatal(err)
		}
		if c := e.caps(t, "x1"); c.Tier != enforce.Warning {
			t.Fatalf("warned: %s", c.Tier)
		}
		if tl := e.timeline(t, "x1"); len(tl) != 1 || tl[0].Source != enforce.SourceReport || tl[0].SourceRef != c1 || tl[0].Actor.ID != mods[0].ID {
			t.Fatalf("warn timeline: %+v", tl)
		}
		// A recommended tier waits for a person allowed to apply it.
		c2 := report("x2")
		if _, err := e.cs.Act(ctx, e.MP, m(0), c2, cases.ActionRequest{Action: cases.ActRecommendTier, Tier: "suspended", Note: "Third scam this month."}); err != nil {
			t.Fatal(err)
		}
		if c := e.caps(t, "x2"); c.Tier != enforce.Clear {
			t.Fatalf("a recommendation moved the account: %s", c.Tier)
		}
		recs, _ := e.en.Recommendations(ctx, e.MP, "pending", "", 10)
		if len(recs) != 1 || recs[0].Tier != "suspended" || recs[0].SourceRef != c2 {
			t.Fatalf("recommendations: %+v", recs)
		}
		// Recommending it again joins the pending one.
		if _, err := e.cs.Act(ctx, e.MP, m(1), c2, cases.ActionRequest{Action: cases.ActRecommendTier, Tier: "suspended", Note: "Agreed."}); err != nil {
			t.Fatal(err)
		}
		if recs, _ := e.en.Recommendations(ctx, e.MP, "pending", "", 10); len(recs) != 1 || !strings.Contains(string(recs[0].Evidence), "Agreed.") {
			t.Fatalf("joined: %+v", recs)
		}
		agentD, seniorD := enforce.Person(mods[0], audit.Actor{}), enforce.Person(mods[1], audit.Actor{})
		if _, err := e.en.Decide(ctx, e.MP, agentD, recs[0].ID, true, enforce.Decision{}); !errors.Is(err, enforce.ErrForbidden) {
			t.Fatalf("agent approving a suspension: %v", err)
		}
		if _, err := e.en.Decide(ctx, e.MP, seniorD, recs[0].ID, false, enforce.Decision{}); !errors.Is(err, enforce.ErrInvalid) {
			t.Fatalf("rejecting without a reason: %v", err)
		}
		rec, err := e.en.Decide(ctx, e.MP, seniorD, recs[0].ID, true, enforce.Decision{Template: "scam"})
		if err != nil || rec.Status != "approved" || rec.ActionID == "" {
			t.Fatalf("approve: %+v %v", rec, err)
		}
		if c := e.caps(t, "x2"); c.Tier != enforce.Suspended {
			t.Fatalf("approved: %s", c.Tier)
		}
		if _, err := e.en.Decide(ctx, e.MP, seniorD, recs[0].ID, false, enforce.Decision{Reason: "late"}); !errors.Is(err, enforce.ErrInvalid) {
			t.Fatalf("deciding twice: %v", err)
		}
	})
}

func TestTrustProfileIsPublicSafe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		e.account(t, "a1", "private")
		e.send(t, e.Now(), "device.seen", map[string]any{"account_id": "a1", "device_id": "dev-secret-42", "ip": "203.0.113.9"})
		if _, err := e.en.SetTier(ctx, e.MP, admin, "a1", enforce.Flagged, enforce.Decision{Reason: "Reported by buyer VR-SECRET for a scam."}); err != nil {
			t.Fatal(err)
		}
		pub, err := e.en.TrustProfile(ctx, e.MP, "a1", false)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(pub)
		for _, secret := range []string{"flagged", "tier", "score", "risk", "VR-SECRET", "dev-secret", "203.0.113", "closer review", "holder"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("public profile reveals %q: %s", secret, b)
			}
		}
		if pub.Public.MemberSince == "" || pub.Public.Removed {
			t.Errorf("public profile: %s", b)
		}
		own, err := e.en.TrustProfile(ctx, e.MP, "a1", true)
		if err != nil || own.Holder == nil || own.Holder.Tier != enforce.Flagged || !strings.Contains(own.Holder.Banner, "closer review") || !own.Holder.CanAppeal {
			t.Fatalf("holder view: %+v %v", own.Holder, err)
		}
		// A blocked account shows the public its generic removal note and
		// the holder the 7-day appeal window.
		if _, err := e.en.SetTier(ctx, e.MP, admin, "a1", enforce.Blocked, enforce.Decision{Template: "scam"}); err != nil {
			t.Fatal(err)
		}
		pub, _ = e.en.TrustProfile(ctx, e.MP, "a1", false)
		own, _ = e.en.TrustProfile(ctx, e.MP, "a1", true)
		if !pub.Public.Removed || pub.Public.Notice != enforce.RemovedNotice || !own.Holder.AppealUntil.Equal(e.Now().Add(7*24*time.Hour)) {
			t.Fatalf("blocked: %+v %+v", pub, own.Holder)
		}
		e.Advance(7*24*time.Hour + time.Second)
		if own, _ = e.en.TrustProfile(ctx, e.MP, "a1", true); own.Holder.CanAppeal {
			t.Error("appeal window still open after 7 days")
		}
	})
}

// TestCapabilitiesAcrossProcesses runs two services on one PostgreSQL
// database, as two serve processes would: each answers from its own
// memory, and a change made through one reaches the other's answer.
func TestCapabilitiesAcrossProcesses(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	a := newEnv(t, openDSN(t, dsn))
	dbB := openDSN(t, dsn)
	d := svc.New(dbB, slog.New(slog.NewTextHandler(io.Discard, nil)))
	pols, err := check.NewPolicies(d)
	if err != nil {
		t.Fatal(err)
	}
	b := enforce.New(d, pols, &outboxtest.Recorder{}, 0)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w := change.NewWatcher(dbB)
	w.Add(enforce.Topic, b)
	go w.Run(ctx)
	waitLive(t, b)
	read := func() enforce.Capabilities {
		c, err := b.Capabilities(t.Context(), a.MP, "acc")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := read(); c.Tier != enforce.Clear {
		t.Fatalf("before: %s", c.Tier)
	}
	// B answers from memory: a change written behind its back, without
	// the notification, is not seen.
	if err := dbB.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := tx.LockEnforcement(t.Context(), store.Postgres, a.MP, "acc", time.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := dbB.W.ExecContext(t.Context(), `UPDATE enforcement_states SET tier = 'flagged', version = 99 WHERE account_id = 'acc'`); err != nil {
		t.Fatal(err)
	}
	if c := read(); c.Tier != enforce.Clear {
		t.Fatalf("B did not answer from memory: %s", c.Tier)
	}
	// A changes the account the proper way; B hears of it.
	wait := func(want func(enforce.Capabilities) bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !want(read()) {
			if time.Now().After(deadline) {
				t.Fatalf("process B still answers %+v", read())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if _, err := a.en.SetTier(t.Context(), a.MP, senior, "acc", enforce.Restricted, enforce.Decision{Template: "scam"}); err != nil {
		t.Fatal(err)
	}
	wait(func(c enforce.Capabilities) bool { return c.Tier == enforce.Restricted && !c.CanList })
	if _, err := a.en.Impose(t.Context(), a.MP, senior, "acc", enforce.SanctionRequest{Kind: enforce.EarlyPayoutLoss, Duration: "2d", Decision: enforce.Decision{Template: "fulfilment"}}); err != nil {
		t.Fatal(err)
	}
	wait(func(c enforce.Capabilities) bool { return !c.EarlyPayout })
	// A DMCA strike ingested through A (the ingest hook's transaction).
	for i := range 5 {
		a.send(t, a.Now().Add(-time.Duration(i+1)*time.Minute), "dmca.accepted", map[string]any{"account_id": "acc"})
	}
	wait(func(c enforce.Capabilities) bool { return c.Tier == enforce.Suspended })
}

func openDSN(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestVerificationLapseAndRecheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		verified := e.Now().AddDate(0, -13, 0)
		e.send(t, verified, "verification.changed", map[string]any{"account_id": "shop", "kind": "business", "status": "verified"})
		e.send(t, e.Now().AddDate(0, -2, 0), "verification.changed", map[string]any{"account_id": "shop2", "kind": "business", "status": "verified"})
		sw, err := e.en.Sweep(ctx, 100)
		if err != nil || sw.Rechecks != 1 {
			t.Fatalf("recheck: %+v %v", sw, err)
		}
		if got := e.hooks.Of(enforce.EventRecheckDue); len(got) != 1 || got[0].Data["account_id"] != "shop" {
			t.Fatalf("recheck webhook: %+v", got)
		}
		if sw, _ := e.en.Sweep(ctx, 100); sw.Rechecks != 0 {
			t.Fatal("asked twice")
		}
		// A lapsed PSP identity verification puts the account in front of
		// a person.
		e.send(t, e.Now(), "verification.changed", map[string]any{"account_id": "shop", "kind": "identity", "status": "lapsed"})
		page, err := e.cs.List(ctx, e.MP, cases.ListQuery{Status: "open", Limit: 10})
		if err != nil || len(page.Items) != 1 || page.Items[0].Target.ID != "shop" {
			t.Fatalf("lapse case: %+v %v", page, err)
		}
	})
}
