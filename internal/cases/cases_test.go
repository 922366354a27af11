package cases_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/detect/text"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/outbox/outboxtest"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/svc"
	"github.com/vigil-ts/vigil/internal/tenant"
	"github.com/vigil-ts/vigil/internal/user"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// env is a cases service over a fresh database with a settable clock.
type env struct {
	db    *store.DB
	d     svc.Deps
	cs    *cases.Service
	pols  *check.Policies
	hooks *outboxtest.Recorder
	mp    string
	users *user.Service
	ing   *ingest.Service
	mu    sync.Mutex
	now   time.Time
}

var system = audit.Actor{Type: audit.ActorSystem, ID: "test"}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{db: db, hooks: &outboxtest.Recorder{}, now: time.Now().UTC().Truncate(time.Second)}
	e.d = svc.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	e.d.Now = func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
	ctx := t.Context()
	mp, err := tenant.New(e.d).CreateMarketplace(ctx, system, "Alpha")
	if err != nil {
		t.Fatal(err)
	}
	e.mp = mp.Marketplace.ID
	if e.pols, err = check.NewPolicies(e.d); err != nil {
		t.Fatal(err)
	}
	e.cs = cases.New(e.d, e.pols, e.hooks)
	checks := check.New(e.d, e.pols, func(*policy.Policy) (check.TextScanner, error) { return text.New(text.DefaultConfig()) }, e.hooks)
	checks.Holder = e.cs
	e.cs.Scanner = checks
	e.users, e.ing = user.New(e.d), ingest.New(e.d)
	return e
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

func (e *env) moderator(t *testing.T, name string, role user.Role) cases.Moderator {
	t.Helper()
	u, err := e.users.Create(t.Context(), system, name, "correct horse battery", role, e.mp)
	if err != nil {
		t.Fatal(err)
	}
	return cases.Moderator{User: u, Via: system}
}

func (e *env) listing(t *testing.T, id, seller, title, desc string, price int64) {
	t.Helper()
	data, _ := json.Marshal(map[string]any{"listing_id": id, "account_id": seller, "title": title, "description": desc,
		"price": map[string]any{"amount": price, "currency": "EUR"}, "category": "phones"})
	res, err := e.ing.Ingest(t.Context(), e.mp, system, []event.Envelope{{ID: "ev-" + id, Type: "listing.upserted",
		OccurredAt: e.d.Now().Add(-time.Hour), Data: data}}, true)
	if err != nil || res.Accepted != 1 {
		t.Fatalf("ingest %s: %+v %v", id, res, err)
	}
}

func report(typ, id, reason, reporter, rtype string) cases.ReportRequest {
	return cases.ReportRequest{Target: cases.Target{Type: typ, ID: id}, Reason: reason, Details: "Looks wrong to me",
		Reporter: cases.ReporterRef{ID: reporter, Type: rtype}}
}

func (e *env) file(t *testing.T, r cases.ReportRequest, key string) cases.Filed {
	t.Helper()
	f, err := e.cs.File(t.Context(), e.mp, system, r, key)
	if err != nil {
		t.Fatalf("file %+v: %v", r, err)
	}
	return f
}

func (e *env) act(t *testing.T, m cases.Moderator, caseID string, req cases.ActionRequest) (cases.View, error) {
	t.Helper()
	return e.cs.Act(t.Context(), e.mp, m, caseID, req)
}

func (e *env) view(t *testing.T, id string) cases.View {
	t.Helper()
	v, err := e.cs.Get(t.Context(), e.mp, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var referenceRE = regexp.MustCompile(`^VR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)

// TestReportsCluster covers R-R1/R-R2/R-P4: reports on one target join one
// case, a reference number per report, the reporter's status, retries
// with the same key, and clear refusals of bad reports.
func TestReportsCluster(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.listing(t, "l1", "seller", "Sofa", "Grey sofa, barely used", 12000)
		a := e.file(t, report("listing", "l1", "scam_or_fraud", "r1", "user"), "k1")
		b := e.file(t, report("listing", "l1", "wrong_price", "r2", ""), "")
		c := e.file(t, report("listing", "l2", "wrong_price", "r1", ""), "")
		if !referenceRE.MatchString(a.Reference) || a.Reference == b.Reference {
			t.Fatalf("references %q %q", a.Reference, b.Reference)
		}
		if a.CaseID != b.CaseID || a.CaseID == c.CaseID || a.Status != "received" {
			t.Fatalf("clustering: %+v %+v %+v", a, b, c)
		}
		v := e.view(t, a.CaseID)
		if v.ReportCount != 2 || len(v.Reports) != 2 || v.ReasonGroup != "fraud" || v.AccountID != "seller" || v.Source != "report" {
			t.Fatalf("case: %+v", v.Item)
		}
		// The retry answers with the first report; nothing new is stored.
		again := e.file(t, report("listing", "l1", "scam_or_fraud", "r1", "user"), "k1")
		if again.Reference != a.Reference || !again.Replayed || len(e.view(t, a.CaseID).Reports) != 2 {
			t.Fatalf("retry: %+v", again)
		}
		if _, err := e.cs.File(t.Context(), e.mp, system, report("listing", "l1", "harassment", "r1", "user"), "k1"); !errors.Is(err, cases.ErrKeyReused) {
			t.Fatalf("key reused for another report: %v", err)
		}
		if len(e.hooks.Of(cases.EventReportReceived)) != 3 {
			t.Fatalf("confirmations: %v", e.hooks.Of(cases.EventReportReceived))
		}
		st, err := e.cs.Status(t.Context(), e.mp, strings.ToLower(a.Reference))
		if err != nil || st.Status != "received" || st.Reference != a.Reference {
			t.Fatalf("status: %+v %v", st, err)
		}
		for _, bad := range []struct {
			r    cases.ReportRequest
			want string
		}{
			{report("listing", "l1", "made_up", "r1", ""), "not in this marketplace's taxonomy"},
			{report("order", "o1", "other", "r1", ""), "target.type"},
			{report("listing", "", "other", "r1", ""), "target.id"},
			{report("listing", "l1", "spam_or_misleading", "r1", "robot"), "reporter.type"},
			{cases.ReportRequest{Target: cases.Target{Type: "listing", ID: "l1"}, Reason: "other", Reporter: cases.ReporterRef{ID: "r1"}}, "details are required"},
		} {
			if _, err := e.cs.File(t.Context(), e.mp, system, bad.r, ""); !errors.Is(err, cases.ErrInvalid) || !strings.Contains(err.Error(), bad.want) {
				t.Errorf("%+v: %v, want %q", bad.r, err, bad.want)
			}
		}
		if _, err := e.cs.Status(t.Context(), e.mp, "VR-0000-0000"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown reference: %v", err)
		}
	})
}

// TestPriorityOrder covers R-R4: severity first, trusted flaggers and
// reporters with a good record weigh more, the explanation adds up.
func TestPriorityOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		price := e.file(t, report("listing", "cheap", "wrong_price", "u1", "user"), "")
		scam := e.file(t, report("listing", "scam", "scam_or_fraud", "u2", "user"), "")
		flagged := e.file(t, report("listing", "flagged", "scam_or_fraud", "tf", "trusted_flagger"), "")
		page, err := e.cs.List(t.Context(), e.mp, cases.ListQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, it := range page.Items {
			order = append(order, it.ID)
		}
		if !slices.Equal(order, []string{flagged.CaseID, scam.CaseID, price.CaseID}) {
			t.Fatalf("queue order %v, want trusted flagger, scam, price", order)
		}
		for _, id := range order {
			v := e.view(t, id)
			sum := 0.0
			for _, p := range v.Priority.Parts {
				sum += p.Points
			}
			if math.Abs(sum-v.Priority.Score) > 0.011 || v.Priority.Score != v.Item.Priority {
				t.Errorf("case %s: parts sum to %v, score %v / %v", id, sum, v.Priority.Score, v.Item.Priority)
			}
		}
		if e.view(t, flagged.CaseID).DueAt.Sub(e.d.Now()) != 24*time.Hour || e.view(t, price.CaseID).DueAt.Sub(e.d.Now()) != 48*time.Hour {
			t.Fatal("SLA: trusted flagger and fraud 24h, cost 48h")
		}
		// Track record: a reporter whose reports were upheld weighs more
		// than one whose reports were dismissed.
		senior := e.moderator(t, "senior", user.SeniorModerator)
		for i := range 3 {
			good := e.file(t, report("listing", fmt.Sprintf("g%d", i), "hidden_fees", "good", "user"), "")
			bad := e.file(t, report("listing", fmt.Sprintf("b%d", i), "hidden_fees", "bad", "user"), "")
			if _, err := e.act(t, senior, good.CaseID, cases.ActionRequest{Action: cases.ActResolve, Resolution: "Fees were hidden."}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.act(t, senior, bad.CaseID, cases.ActionRequest{Action: cases.ActDismiss, Template: "no_violation"}); err != nil {
				t.Fatal(err)
			}
		}
		g := e.view(t, e.file(t, report("listing", "g9", "hidden_fees", "good", "user"), "").CaseID)
		b := e.view(t, e.file(t, report("listing", "b9", "hidden_fees", "bad", "user"), "").CaseID)
		if g.Item.Priority <= b.Item.Priority || g.Reports[0].Weight <= 1 || b.Reports[0].Weight >= 1 {
			t.Fatalf("track record: good %v (weight %v), bad %v (weight %v)", g.Item.Priority, g.Reports[0].Weight, b.Item.Priority, b.Reports[0].Weight)
		}
		if g.Reporters[0].Upheld != 3 || b.Reporters[0].Dismissed != 3 {
			t.Fatalf("records: %+v %+v", g.Reporters, b.Reporters)
		}
	})
}

// TestNeighbours steps through the queue as the console's case page does:
// each case's neighbours are the cases either side of it in List's order
// under the same filters, a case closed meanwhile still has its place, and
// a filter List refuses is refused too.
func TestNeighbours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		// Equal priorities, filed a second apart: ties go by age.
		for i, r := range []cases.ReportRequest{
			report("listing", "l1", "wrong_price", "u1", "user"), report("listing", "l2", "scam_or_fraud", "u2", "user"),
			report("account", "a1", "harassment", "u3", "user"), report("listing", "l3", "wrong_price", "u4", "user"),
			report("listing", "l4", "scam_or_fraud", "tf", "trusted_flagger"), report("listing", "l5", "wrong_price", "u5", "user"),
		} {
			e.advance(time.Duration(i+1) * time.Second)
			e.file(t, r, "")
		}
		order := func(q cases.ListQuery) []string {
			t.Helper()
			page, err := e.cs.List(ctx, e.mp, q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, it := range page.Items {
				ids = append(ids, it.ID)
			}
			return ids
		}
		for _, q := range []cases.ListQuery{{}, {Sort: "age"}, {TargetType: "listing"}, {ReasonGroup: "cost", Sort: "age"}} {
			ids := order(q)
			if len(ids) < 2 {
				t.Fatalf("%+v lists %v", q, ids)
			}
			for i, id := range ids {
				prev, next, err := e.cs.Neighbours(ctx, e.mp, q, id)
				if err != nil {
					t.Fatal(err)
				}
				wantPrev, wantNext := "", ""
				if i > 0 {
					wantPrev = ids[i-1]
				}
				if i+1 < len(ids) {
					wantNext = ids[i+1]
				}
				if prev != wantPrev || next != wantNext {
					t.Errorf("%+v: neighbours of %s (#%d of %v) = %q, %q; want %q, %q", q, id, i, ids, prev, next, wantPrev, wantNext)
				}
			}
		}
		// Closed, the middle case leaves the queue but keeps its place
		// between the two cases that were its neighbours.
		ids := order(cases.ListQuery{})
		senior := e.moderator(t, "senior", user.SeniorModerator)
		if _, err := e.act(t, senior, ids[2], cases.ActionRequest{Action: cases.ActDismiss, Template: "no_violation"}); err != nil {
			t.Fatal(err)
		}
		if prev, next, err := e.cs.Neighbours(ctx, e.mp, cases.ListQuery{}, ids[2]); err != nil || prev != ids[1] || next != ids[3] {
			t.Errorf("neighbours of the closed %s = %q, %q, %v; want %q, %q", ids[2], prev, next, err, ids[1], ids[3])
		}
		if prev, next, err := e.cs.Neighbours(ctx, e.mp, cases.ListQuery{}, ids[1]); err != nil || next != ids[3] || prev != ids[0] {
			t.Errorf("after closing %s, neighbours of %s = %q, %q, %v; want %q, %q", ids[2], ids[1], prev, next, err, ids[0], ids[3])
		}
		if _, _, err := e.cs.Neighbours(ctx, e.mp, cases.ListQuery{Status: "bogus"}, ids[0]); !errors.Is(err, cases.ErrInvalid) {
			t.Errorf("a bad filter: %v, want ErrInvalid", err)
		}
		if _, _, err := e.cs.Neighbours(ctx, e.mp, cases.ListQuery{}, "no-such-case"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an unknown case: %v, want ErrNotFound", err)
		}
	})
}

// TestSpike reproduces R-R5's "70 reports at once": one alert, one
// webhook, and the case goes above every other.
func TestSpike(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		top := e.file(t, report("listing", "other", "scam_or_fraud", "tf", "trusted_flagger"), "")
		var id string
		for i := range 70 {
			id = e.file(t, report("listing", "viral", "offensive_content", fmt.Sprintf("u%02d", i), "user"), "").CaseID
		}
		v := e.view(t, id)
		if !v.Spike || v.ReportCount != 70 || len(e.hooks.Of(cases.EventSpike)) != 1 {
			t.Fatalf("spike %v, %d reporters, %d spike webhooks", v.Spike, v.ReportCount, len(e.hooks.Of(cases.EventSpike)))
		}
		alerts, err := e.cs.Alerts(t.Context(), e.mp)
		if err != nil || len(alerts) != 1 || alerts[0].Kind != "spike" || alerts[0].CaseID != id {
			t.Fatalf("alerts %+v %v", alerts, err)
		}
		page, _ := e.cs.List(t.Context(), e.mp, cases.ListQuery{})
		if page.Items[0].ID != id || page.Items[1].ID != top.CaseID {
			t.Fatalf("the spiking case is not on top: %+v", page.Items[:2])
		}
		// Reports spread over one seller's listings spike the account too.
		for i := range 11 {
			e.listing(t, fmt.Sprintf("s%d", i), "spammer", "Phone", "A phone", 5000)
			e.file(t, report("listing", fmt.Sprintf("s%d", i), "spam_or_misleading", "x", "user"), "")
		}
		if len(e.hooks.Of(cases.EventSpike)) != 2 || !strings.Contains(fmt.Sprint(e.hooks.Of(cases.EventSpike)[1].Data["detail"]), "account spammer") {
			t.Fatalf("account spike: %+v", e.hooks.Of(cases.EventSpike))
		}
		m := e.moderator(t, "agent", user.Agent)
		if err := e.cs.Acknowledge(t.Context(), e.mp, m, alerts[0].ID); err != nil {
			t.Fatal(err)
		}
		again, _ := e.cs.Alerts(t.Context(), e.mp)
		if len(again) != 1 || again[0].ID == alerts[0].ID {
			t.Fatalf("after acknowledging the first: %+v", again)
		}
		// The account spike's alert leaves the banner when its case closes.
		if _, err := e.act(t, m, again[0].CaseID, cases.ActionRequest{Action: cases.ActDismiss, Template: "no_violation"}); err != nil {
			t.Fatal(err)
		}
		if left, _ := e.cs.Alerts(t.Context(), e.mp); len(left) != 0 {
			t.Fatalf("alerts of a closed case: %+v", left)
		}
	})
}

// TestSLAAndClaims covers R-R6/R-R7: at-risk and breach alerts by the
// sweep, breaches counted, claims that time out and go back to the queue.
func TestSLAAndClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		f := e.file(t, report("account", "bully", "harassment", "r1", "user"), "")
		ann, bob := e.moderator(t, "ann", user.Agent), e.moderator(t, "bob", user.Agent)
		if _, err := e.act(t, ann, f.CaseID, cases.ActionRequest{Action: cases.ActClaim}); err != nil {
			t.Fatal(err)
		}
		if st, _ := e.cs.Status(ctx, e.mp, f.Reference); st.Status != "in_review" {
			t.Fatalf("reporter status while claimed: %+v", st)
		}
		if _, err := e.act(t, bob, f.CaseID, cases.ActionRequest{Action: cases.ActClaim}); !errors.Is(err, cases.ErrForbidden) {
			t.Fatalf("a claimed case taken by another agent: %v", err)
		}
		if _, err := e.act(t, bob, f.CaseID, cases.ActionRequest{Action: cases.ActWarn, Template: "warned"}); !errors.Is(err, cases.ErrForbidden) {
			t.Fatalf("a claimed case closed by another agent: %v", err)
		}
		// The claim lapses after 30 minutes; the sweep gives the case back.
		e.advance(31 * time.Minute)
		sw, err := e.cs.Sweep(ctx, 100)
		if err != nil || sw.ClaimsExpired != 1 {
			t.Fatalf("sweep %+v %v", sw, err)
		}
		v := e.view(t, f.CaseID)
		if v.Status != "pending" || v.Assignee != "" || !slices.ContainsFunc(v.History, func(s cases.Step) bool { return s.Kind == "claim_expired" }) {
			t.Fatalf("after the claim lapsed: %+v", v.Item)
		}
		if _, err := e.act(t, bob, f.CaseID, cases.ActionRequest{Action: cases.ActClaim}); err != nil {
			t.Fatalf("claim after the timeout: %v", err)
		}
		// Safety is due in 24h and at risk with a quarter left (from 18h).
		e.advance(17 * time.Hour)
		if sw, _ := e.cs.Sweep(ctx, 100); sw.AtRisk != 0 || sw.Breached != 0 {
			t.Fatalf("at 17.5h: %+v", sw)
		}
		e.advance(time.Hour)
		if sw, _ := e.cs.Sweep(ctx, 100); sw.AtRisk != 1 {
			t.Fatalf("at 18.5h: %+v", sw)
		}
		if p, _ := e.cs.List(ctx, e.mp, cases.ListQuery{SLA: cases.SLAAtRisk}); len(p.Items) != 1 || p.Items[0].SLA != cases.SLAAtRisk {
			t.Fatalf("at-risk filter: %+v", p.Items)
		}
		e.advance(6 * time.Hour)
		if sw, _ := e.cs.Sweep(ctx, 100); sw.Breached != 1 || sw.AtRisk != 0 {
			t.Fatalf("at 24.5h: %+v", sw)
		}
		if sw, _ := e.cs.Sweep(ctx, 100); sw != (cases.Swept{}) {
			t.Fatalf("a second sweep repeated alerts: %+v", sw)
		}
		if len(e.hooks.Of(cases.EventSLAAtRisk)) != 1 || len(e.hooks.Of(cases.EventSLABreached)) != 1 {
			t.Fatalf("SLA webhooks: %v", e.hooks.All())
		}
		dash, err := e.cs.Dashboard(ctx, e.mp, 24*time.Hour, 3)
		if err != nil || dash.Now.Breached != 1 || len(dash.Spans) != 3 {
			t.Fatalf("dashboard %+v %v", dash, err)
		}
		if p, _ := e.cs.List(ctx, e.mp, cases.ListQuery{SLA: cases.SLABreached}); len(p.Items) != 1 {
			t.Fatalf("breached filter: %+v", p.Items)
		}
	})
}

// TestResolveAndNotify works a case to its end: the action's effect on
// the listing, the reporters' outcome webhooks without the other party's
// details (R-R9), the history and the rules on who may act.
func TestResolveAndNotify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.listing(t, "l1", "seller", "Sneakers", "Brand new", 9000)
		a := e.file(t, report("listing", "l1", "counterfeit_or_illegal", "r1", "user"), "")
		e.file(t, report("listing", "l1", "counterfeit_or_illegal", "r2", "user"), "")
		agent, senior := e.moderator(t, "agent", user.Agent), e.moderator(t, "senior", user.SeniorModerator)
		reviewer := e.moderator(t, "reviewer", user.AppealsReviewer)
		if _, err := e.act(t, reviewer, a.CaseID, cases.ActionRequest{Action: cases.ActClaim}); !errors.Is(err, cases.ErrForbidden) {
			t.Fatalf("an appeals reviewer worked a case: %v", err)
		}
		if _, err := e.act(t, agent, a.CaseID, cases.ActionRequest{Action: cases.ActRemoveContent}); !errors.Is(err, cases.ErrInvalid) {
			t.Fatalf("closed without a resolution: %v", err)
		}
		if _, err := e.act(t, agent, a.CaseID, cases.ActionRequest{Action: cases.ActRemoveContent, Template: "warned"}); !errors.Is(err, cases.ErrInvalid) {
			t.Fatalf("a template of another action: %v", err)
		}
		if _, err := e.act(t, agent, a.CaseID, cases.ActionRequest{Action: cases.ActRecommendTier, Tier: "suspended", Note: "Repeat counterfeits."}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.act(t, agent, a.CaseID, cases.ActionRequest{Action: cases.ActEscalate, Note: "Brand owner involved."}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.act(t, agent, a.CaseID, cases.ActionRequest{Action: cases.ActClaim}); !errors.Is(err, cases.ErrForbidden) {
			t.Fatalf("an agent claimed an escalated case: %v", err)
		}
		v, err := e.act(t, senior, a.CaseID, cases.ActionRequest{Action: cases.ActRemoveContent, Template: "content_removed"})
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != "resolved" || v.Outcome != "content_removed" || v.Resolution == "" || v.ResolvedBy != senior.User.ID {
			t.Fatalf("resolved case: %+v", v)
		}
		st, err := db.ListingState(t.Context(), e.mp, "l1")
		if err != nil || st.Status != "rejected" {
			t.Fatalf("listing after removal: %+v %v", st, err)
		}
		var kinds []string
		for _, s := range v.History {
			kinds = append(kinds, s.Kind)
		}
		if want := []string{"report_added", "report_added", "recommend_tier", "escalate", "closed"}; !slices.Equal(kinds, want) {
			t.Fatalf("history %v, want %v", kinds, want)
		}
		closed := e.hooks.Of(cases.EventReportClosed)
		if len(closed) != 2 {
			t.Fatalf("report.closed: %v", closed)
		}
		for _, c := range closed {
			if c.Data["outcome"] != "action_taken" || len(c.Data) != 5 {
				t.Errorf("reporter notification carries more than the outcome: %v", c.Data)
			}
			if strings.Contains(fmt.Sprint(c.Data), "seller") {
				t.Errorf("reporter notification names the other party: %v", c.Data)
			}
		}
		if st, _ := e.cs.Status(t.Context(), e.mp, a.Reference); st.Status != "closed" || st.Outcome != "action_taken" {
			t.Fatalf("reporter status: %+v", st)
		}
		if len(e.hooks.Of(check.StatusChangedEvent)) != 1 || len(e.hooks.Of(cases.EventCaseClosed)) != 1 {
			t.Fatalf("webhooks: %v", e.hooks.All())
		}
		if _, err := e.act(t, senior, a.CaseID, cases.ActionRequest{Action: cases.ActDismiss, Template: "no_violation"}); !errors.Is(err, cases.ErrForbidden) {
			t.Fatalf("a closed case closed again: %v", err)
		}
		// approve releases a held listing.
		held := e.file(t, report("listing", "l1", "misleading_photos", "r4", "user"), "")
		if err := db.InTx(t.Context(), func(tx *store.Tx) error { return tx.SetListingStatus(t.Context(), e.mp, "l1", "pending_review") }); err != nil {
			t.Fatal(err)
		}
		if v, err := e.act(t, agent, held.CaseID, cases.ActionRequest{Action: cases.ActApprove, Resolution: "Photos are the seller's own."}); err != nil || v.Outcome != "approved" {
			t.Fatalf("approve: %+v %v", v.Item, err)
		}
		if st, _ := db.ListingState(t.Context(), e.mp, "l1"); st.Status != "approved" {
			t.Fatalf("listing after approve: %+v", st)
		}
		// A new report on the target opens a new case.
		if again := e.file(t, report("listing", "l1", "counterfeit_or_illegal", "r3", "user"), ""); again.CaseID == a.CaseID {
			t.Fatal("a report joined a closed case")
		}
	})
}

// TestMisuse covers R-R10: unfounded reports warn the reporter, then
// their reports count for nothing for a period, or are refused.
func TestMisuse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		senior := e.moderator(t, "senior", user.SeniorModerator)
		dismiss := func(i int) {
			f := e.file(t, report("listing", fmt.Sprintf("x%d", i), "spam_or_misleading", "troll", "user"), "")
			if _, err := e.act(t, senior, f.CaseID, cases.ActionRequest{Action: cases.ActDismiss, Template: "unfounded", Unfounded: true}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 3 {
			dismiss(i)
		}
		if w := e.hooks.Of(cases.EventReporterWarned); len(w) != 1 || w[0].Data["reporter_id"] != "troll" {
			t.Fatalf("warning after 3: %v", w)
		}
		dismiss(3)
		dismiss(4)
		if s := e.hooks.Of(cases.EventReporterSusp); len(s) != 1 || s[0].Data["action"] != policy.MisuseDeprioritise {
			t.Fatalf("suspension after 5: %v", s)
		}
		v := e.view(t, e.file(t, report("listing", "x9", "spam_or_misleading", "troll", "user"), "").CaseID)
		if v.Reports[0].Weight != 0 || !strings.Contains(v.Priority.Parts[1].Detail, "reporting suspended") {
			t.Fatalf("a suspended reporter's report: weight %v, %+v", v.Reports[0].Weight, v.Priority.Parts)
		}
		if _, err := e.pols.Save(t.Context(), system, e.mp, "reports:\n  misuse:\n    action: refuse\n", 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.cs.File(t.Context(), e.mp, system, report("listing", "x10", "spam_or_misleading", "troll", "user"), ""); !errors.Is(err, cases.ErrRefused) {
			t.Fatalf("refuse policy: %v", err)
		}
		var audited []string
		if err := db.ScanAudit(t.Context(), e.mp, func(a audit.Entry) error {
			if strings.HasPrefix(a.Action, "reporter.") {
				audited = append(audited, a.Action)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(audited, []string{"reporter.warned", "reporter.suspended"}) {
			t.Fatalf("audited misuse steps: %v", audited)
		}
		// The suspension ends after its period.
		e.advance(31 * 24 * time.Hour)
		if _, err := e.cs.File(t.Context(), e.mp, system, report("listing", "x11", "spam_or_misleading", "troll", "user"), ""); err != nil {
			t.Fatalf("after the suspension: %v", err)
		}
	})
}

// TestProactiveAndAssignment covers R-R8 and R-R3: a held listing opens a
// proactive case through the same workflow; a phishing link in reported
// content queues the takedown; auto-assignment picks the least loaded
// moderator online.
func TestProactiveAndAssignment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return e.cs.Hold(ctx, tx, check.Hold{MarketplaceID: e.mp, DecisionID: "d1", TargetType: "message", TargetID: "m1", AccountID: "spammer",
				Source: "detector", Severity: policy.SeverityHigh, Codes: []string{"scam.script", "contact.phone"}, Reason: "scam.script", At: e.d.Now()})
		})
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.cs.List(ctx, e.mp, cases.ListQuery{Source: "proactive"})
		if err != nil || len(p.Items) != 1 || p.Items[0].Source != "detector" || p.Items[0].ReasonGroup != "fraud" || p.Items[0].AccountID != "spammer" {
			t.Fatalf("proactive case: %+v %v", p.Items, err)
		}
		// A report on the same message joins the proactive case.
		if f := e.file(t, report("message", "m1", "scam_or_fraud", "victim", "user"), ""); f.CaseID != p.Items[0].ID {
			t.Fatal("a report did not join the proactive case of its target")
		}

		e.listing(t, "phish", "crook", "Cheap iPhone", "Pay securely here: http://203.0.113.9/secure-payment/login", 9900)
		f := e.file(t, report("listing", "phish", "suspicious_contact", "r1", "user"), "")
		if td := e.hooks.Of(check.TakedownEvent); len(td) != 1 || td[0].Data["report"] != f.Reference {
			t.Fatalf("takedown: %v", td)
		}
		if !slices.ContainsFunc(e.view(t, f.CaseID).History, func(s cases.Step) bool { return s.Kind == "evidence" }) {
			t.Fatal("no evidence recorded from the reported content")
		}

		ann, bob := e.moderator(t, "ann", user.Agent), e.moderator(t, "bob", user.Agent)
		e.moderator(t, "away", user.Agent) // never seen: not online
		for _, u := range []cases.Moderator{ann, bob} {
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.TouchUser(ctx, u.User.ID, e.d.Now()) }); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.act(t, ann, p.Items[0].ID, cases.ActionRequest{Action: cases.ActClaim}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.act(t, ann, f.CaseID, cases.ActionRequest{Action: cases.ActAssign, Assignee: bob.User.ID}); !errors.Is(err, cases.ErrForbidden) {
			t.Fatalf("an agent assigned a case to someone else: %v", err)
		}
		v, err := e.act(t, ann, f.CaseID, cases.ActionRequest{Action: cases.ActAssign, Assignee: "auto"})
		if err != nil || v.Assignee != bob.User.ID {
			t.Fatalf("auto-assign went to %q, want bob (ann holds one case already): %v", v.Assignee, err)
		}
		// Next takes the most urgent case nobody holds.
		e.file(t, report("listing", "free", "wrong_price", "r9", "user"), "")
		n, err := e.cs.Next(ctx, e.mp, ann)
		if err != nil || n.Target.ID != "free" || n.Assignee != ann.User.ID {
			t.Fatalf("next: %+v %v", n.Item, err)
		}
		if _, err := e.cs.Next(ctx, e.mp, ann); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("next with nothing left: %v", err)
		}
	})
}

// TestComputePriority pins the priority's arithmetic.
func TestComputePriority(t *testing.T) {
	p := policy.Default().Reports.Priority
	base := cases.ComputePriority(p, cases.PriorityInput{Group: "content", Severity: policy.SeverityMedium, Risk: -1, Value: -1})
	if base.Score != 20 || len(base.Parts) != 1 {
		t.Fatalf("severity alone: %+v", base)
	}
	one := cases.ComputePriority(p, cases.PriorityInput{Group: "content", Severity: policy.SeverityMedium, Risk: 50, Value: 100000,
		Reporters: []cases.Reporter{{ID: "a", Type: "user"}}})
	// 20 + 20·log2(2)/log2(11) + 15·0.5 + 10·1
	if want := 20 + math.Round(20/math.Log2(11)*100)/100 + 7.5 + 10; math.Abs(one.Score-want) > 1e-9 {
		t.Fatalf("score %v, want %v: %+v", one.Score, want, one.Parts)
	}
	many := make([]cases.Reporter, 50)
	for i := range many {
		many[i] = cases.Reporter{ID: fmt.Sprint(i), Type: "user"}
	}
	if got := cases.ComputePriority(p, cases.PriorityInput{Severity: policy.SeverityLow, Risk: -1, Reporters: many}); got.Parts[1].Points != p.Reporters {
		t.Fatalf("reporters cap: %+v", got.Parts)
	}
	if r := (cases.Reporter{Type: "user", Upheld: 8, Dismissed: 0}); r.Accuracy() != 0.9 || r.Weight(p) != 1.8 {
		t.Fatalf("accuracy %v weight %v", r.Accuracy(), r.Weight(p))
	}
	if r := (cases.Reporter{Type: "user"}); r.Weight(p) != 1 {
		t.Fatalf("a new reporter weighs %v", r.Weight(p))
	}
}

// TestNotices files DSA notices: each part of the notice is checked, a
// notice joins its target's case, and the notifier hears the decision
// with the ways to contest it.
func TestNotices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.listing(t, "l1", "seller", "Replica watch", "Swiss movement copy", 9000)
		notice := func(n cases.Notice) cases.ReportRequest {
			r := report("listing", "l1", "illegal_content", "flagger-1", "trusted_flagger")
			r.Details, r.Notice = n.Explanation, &n
			return r
		}
		ok := cases.Notice{Explanation: "The listing offers counterfeit watches bearing a registered trademark.", Location: "https://market.example/l/l1",
			NotifierName: "Brand Protection EU", NotifierEmail: "notices@brand.example", GoodFaith: true}
		for name, change := range map[string]func(n *cases.Notice){
			"no good faith": func(n *cases.Notice) { n.GoodFaith = false },
			"no location":   func(n *cases.Notice) { n.Location = "" },
			"not a URL":     func(n *cases.Notice) { n.Location = "the listing with the watch" },
			"short reason":  func(n *cases.Notice) { n.Explanation = "illegal" },
			"not an email":  func(n *cases.Notice) { n.NotifierEmail = "brand" },
		} {
			n := ok
			change(&n)
			if _, err := e.cs.File(t.Context(), e.mp, system, notice(n), ""); !errors.Is(err, cases.ErrInvalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
		anon := ok
		anon.NotifierName, anon.NotifierEmail = "", ""
		f := e.file(t, notice(ok), "")
		e.file(t, notice(anon), "") // anonymity where the law allows it
		if v := e.view(t, f.CaseID); len(v.Reports) != 2 {
			t.Fatalf("notices in the case: %+v", v)
		}
		senior := e.moderator(t, "senior", user.SeniorModerator)
		if _, err := e.act(t, senior, f.CaseID, cases.ActionRequest{Action: cases.ActRemoveContent, Template: "content_removed"}); err != nil {
			t.Fatal(err)
		}
		closed := e.hooks.Of(cases.EventReportClosed)
		if len(closed) != 2 || closed[0].Data["notice"] != true || closed[0].Data["decision"] != "content_removed" {
			t.Fatalf("decision notice: %+v", closed)
		}
		redress, _ := closed[0].Data["redress"].(map[string]any)
		if redress["complaint_until"] == nil || redress["out_of_court"] == nil || redress["judicial"] == nil {
			t.Fatalf("redress options: %+v", redress)
		}
		st, err := e.cs.Status(t.Context(), e.mp, f.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(st); strings.Contains(string(b), "brand.example") || strings.Contains(string(b), "Brand Protection") {
			t.Errorf("the reporter's view repeats the notifier's identity: %s", b)
		}
	})
}
