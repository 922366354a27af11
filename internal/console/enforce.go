package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// Enforcement in the console (SPEC §6): an account's standing on the
// ladder, its sanctions, the forms that change them and its timeline with
// the statements of reasons, on the account's page; and the
// recommendations waiting for a person. Every change goes through
// enforce.Service, which checks the decider's role against the policy for
// the console and the API alike; these pages offer only the choices it
// would accept from the viewer (enforce.Moves and friends), so a form is
// never a dead end, and show its refusal when a post asks for more.

// Sizes of the enforcement lists.
const (
	enforceTimelineSize = 100 // entries of an account's enforcement timeline
	statementsSize      = 100 // statements of reasons looked up for it
	recommendationsSize = 50  // recommendations one page lists
)

// conflictMessage is shown when another change to the same account won.
const conflictMessage = "Someone changed the account at the same moment. Nothing was changed; look at it again and retry."

// decider is the viewer taking an enforcement decision through their
// console session.
func (v *viewer) decider() enforce.Decider { return enforce.Person(v.user, v.actor()) }

// authority is the viewer as the ladder's rules see them.
func (v *viewer) authority() enforce.Authority {
	return enforce.Authority{Human: true, Role: v.user.Role}
}

// enforcementPolicy is the marketplace-wide enforcement policy, the one
// enforce.Service applies (enforcement is about accounts, not categories).
func (c *server) enforcementPolicy(ctx context.Context, marketplaceID string) (policy.Enforcement, error) {
	eff, err := c.d.Policies.Get(ctx, marketplaceID)
	if err != nil {
		return policy.Enforcement{}, err
	}
	return eff.Compiled.Policy("").Enforcement, nil
}

// --- The decision fields ------------------------------------------------------

// decisionForm is the "decision-fields" partial: why a step is taken, as
// every enforcement form asks it.
type decisionForm struct {
	// ID prefixes the fields' ids, so that several forms share a page.
	ID        string
	Templates []policy.EnforcementTemplate
	// Grounds are the policy's grounds, labelled by their clauses.
	Grounds []choice
	// Exceptions are the termination exceptions offered; only for a
	// business user who may be terminated by this form.
	Exceptions []string
	// ReasonRequired: a template does not stand in for the reason.
	ReasonRequired bool
	// Sent is what the refused post sent, when it was this form's.
	Sent url.Values
}

// decisionFields lays out the decision fields of form id; sent is what a
// refused post of this form sent, else nil.
func decisionFields(id string, e policy.Enforcement, exceptions bool, sent url.Values) decisionForm {
	f := decisionForm{ID: id, Templates: e.Templates, Sent: sent}
	for _, g := range slices.Sorted(maps.Keys(e.Grounds)) {
		f.Grounds = append(f.Grounds, choice{Value: g, Label: e.Grounds[g].Clause})
	}
	if exceptions {
		f.Exceptions = e.TerminationExceptions
	}
	return f
}

// decisionOf reads the decision fields of a post.
func decisionOf(r *http.Request) enforce.Decision {
	return enforce.Decision{Reason: r.PostFormValue("reason"), Template: r.PostFormValue("template"),
		Ground: r.PostFormValue("ground"), Exception: r.PostFormValue("termination_exception")}
}

// --- An account's standing ----------------------------------------------------

// enforcementView is the Enforcement section of an account's page.
type enforcementView struct {
	// form holds a refused post; Failed names its form: tier, sanction,
	// or lift-SANCTIONID.
	form
	Failed string
	// Caps are the account's capabilities now; Since is when it reached
	// its tier.
	Caps  enforce.Capabilities
	Since time.Time
	// OrdersFrozen: deals in flight are frozen rather than completing.
	OrdersFrozen bool
	// Sanctions are those in force or scheduled to start.
	Sanctions []sanctionRow
	// TerminationBlock: the scheduled termination is a block (else a
	// ban, whose sanction starts by itself).
	TerminationBlock bool
	Business         bool
	// Pending counts the recommendations about the account waiting for a
	// decision (More: at least that many); Appeals its open appeals.
	Pending  int
	More     bool
	Appeals  int
	Timeline []actionRow
	// Known: the account has an enforcement record of any kind.
	Known bool
	// What the viewer is offered. Work: they work the queue at all.
	// Moves are the tiers and Kinds the sanctions they may apply; Lift
	// shows the lift forms.
	Work bool
	// From is the tier the moves start from: the stored one.
	From        string
	Moves       []string
	Kinds       []string
	Lift        bool
	Tier, Apply decisionForm
	// Limits says how long each temporary sanction may last.
	Limits string
}

// Sent is field as the refused post sent it, when it was form's.
func (e enforcementView) Sent(form, field string) string {
	if e.Failed != form {
		return ""
	}
	return e.Values.Get(field)
}

// sentFor is the refused post's values when it was form's, else nil.
func (e enforcementView) sentFor(form string) url.Values {
	if e.Failed != form {
		return nil
	}
	return e.Values
}

// sanctionRow is a sanction as the account's page lists it.
type sanctionRow struct {
	enforce.Sanction
	// Scheduled: it starts later (a business user's ban after the notice).
	Scheduled bool
}

// actionRow is an enforcement timeline entry in words.
type actionRow struct {
	enforce.Action
	Label, Actor string
	// CaseRef: SourceRef is a case of the marketplace; AppealRef: it is
	// the appeal whose outcome the entry carried out.
	CaseRef, AppealRef bool
	Clause             string
	// Evidence is what the entry rests on, in words.
	Evidence []fact
	// Deferred: the entry takes effect later than it was recorded (a
	// business user's notice period).
	Deferred bool
	// Statement is the statement of reasons the entry issued or cites;
	// Open shows it unfolded, where the entry is what the page is about.
	Statement *enforce.Statement
	Open      bool
}

// actionLabel names a kind of enforcement timeline entry.
func actionLabel(kind string) string {
	switch kind {
	case "tier":
		return "Tier changed"
	case "termination_scheduled":
		return "Termination scheduled"
	case "termination_cancelled":
		return "Scheduled termination cancelled"
	case "termination_effective":
		return "Termination took effect"
	case "warning_repeated":
		return "Warned again"
	case "sanction":
		return "Sanction imposed"
	case "sanction_lifted":
		return "Sanction lifted"
	case "sanction_expired":
		return "Sanction expired"
	case "recommendation_rejected":
		return "Recommendation rejected"
	}
	return human(kind)
}

// sanctionLimits says how long each temporary sanction may last.
func sanctionLimits(l policy.SanctionLimits) string {
	limit := func(d policy.Duration) string {
		if d <= 0 {
			return "no limit"
		}
		return "at most " + d.String()
	}
	return fmt.Sprintf("Loss of early payout %s, raised commission %s, temporary suspension %s; loss of live selling has no limit; a permanent ban has no duration.",
		limit(l.EarlyPayout), limit(l.RaisedCommission), limit(l.Suspension))
}

// caseRefs reports which of the items' references (ref) are cases of the
// marketplace, so that a source reference can link to its case. Other
// references (rules, events, recommendations) are not found and stay
// plain.
func caseRefs[T any](ctx context.Context, db *store.DB, marketplaceID string, items []T, ref func(T) string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, it := range items {
		id := ref(it)
		if _, seen := out[id]; seen || id == "" {
			continue
		}
		_, err := db.Case(ctx, marketplaceID, id)
		switch {
		case err == nil:
			out[id] = true
		case errors.Is(err, store.ErrNotFound):
			out[id] = false
		default:
			return nil, err
		}
	}
	return out, nil
}

// loadEnforcement gathers an account's Enforcement section and what v may
// do on it; name names actors.
func (c *server) loadEnforcement(ctx context.Context, v *viewer, id string, name func(typ, id string) string) (enforcementView, error) {
	mp := v.mp.ID
	e, err := c.enforcementPolicy(ctx, mp)
	if err != nil {
		return enforcementView{}, err
	}
	st, err := c.d.Enforce.Standing(ctx, mp, id)
	if err != nil {
		return enforcementView{}, err
	}
	now := c.d.Now()
	ev := enforcementView{Caps: enforce.Compute(id, st, now), Since: st.TierSince, TerminationBlock: st.TerminationTier, Work: v.works(), From: st.Tier}
	ev.OrdersFrozen = ev.Caps.InFlight[enforce.InFlightStatuses()[0]] == enforce.OrdersFrozen
	for _, s := range st.Sanctions {
		if s.ExpiresAt.IsZero() || s.ExpiresAt.After(now) {
			ev.Sanctions = append(ev.Sanctions, sanctionRow{Sanction: s, Scheduled: s.ImposedAt.After(now)})
		}
	}
	facts, err := c.d.DB.AccountFacts(ctx, mp, id)
	if err != nil {
		return ev, err
	}
	ev.Business = facts.Kind == "business"
	pending, err := c.d.Enforce.Recommendations(ctx, mp, "pending", id, recommendationsSize)
	if err != nil {
		return ev, err
	}
	ev.Pending, ev.More = len(pending), len(pending) == recommendationsSize
	appeals, err := c.d.Appeals.List(ctx, mp, nil, id, appealsSize)
	if err != nil {
		return ev, err
	}
	ev.Appeals = len(appeals)
	if ev.Timeline, err = c.timeline(ctx, mp, id, e, name); err != nil {
		return ev, err
	}
	ev.Known = st.Version > 0 || len(ev.Timeline) > 0 || len(pending) > 0
	if ev.Work {
		by := v.authority()
		// From the stored tier, as the service moves it: the computed one
		// may already show a scheduled block whose time has come.
		ev.Moves, ev.Kinds, ev.Lift = enforce.Moves(e, st.Tier, by), enforce.Sanctions(e, by), enforce.MayLift(e, by)
	}
	ev.Limits = sanctionLimits(e.SanctionLimits)
	ev.Tier = decisionFields("tier", e, ev.Business && slices.Contains(ev.Moves, enforce.Blocked), nil)
	ev.Apply = decisionFields("sanction", e, ev.Business && slices.Contains(ev.Kinds, enforce.PermanentBan), nil)
	return ev, nil
}

// timeline is an account's enforcement timeline in words, newest first,
// each entry with its statement of reasons.
func (c *server) timeline(ctx context.Context, mp, id string, e policy.Enforcement, name func(typ, id string) string) ([]actionRow, error) {
	actions, err := c.d.Enforce.Timeline(ctx, mp, id, enforceTimelineSize)
	if err != nil || len(actions) == 0 {
		return nil, err
	}
	sts, err := c.d.Enforce.Statements(ctx, mp, id, statementsSize)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*enforce.Statement, len(sts))
	for i := range sts {
		byID[sts[i].ID] = &sts[i]
	}
	isCase, err := caseRefs(ctx, c.d.DB, mp, actions, func(a enforce.Action) string { return a.SourceRef })
	if err != nil {
		return nil, err
	}
	rows := make([]actionRow, len(actions))
	for i, a := range actions {
		rows[i] = actionRow{Action: a, Label: actionLabel(a.Kind), Actor: name(a.Actor.Type, a.Actor.ID), CaseRef: isCase[a.SourceRef],
			AppealRef: a.Source == enforce.SourceAppeal && a.SourceRef != "", Clause: e.Grounds[a.Ground].Clause,
			Deferred: a.EffectiveAt.After(a.At), Statement: byID[a.StatementID]}
		// The reference is shown linked; evidence naming it again says
		// nothing more.
		ev, _ := evidenceOf(a.Evidence, name)
		rows[i].Evidence = slices.DeleteFunc(ev, func(f fact) bool { return a.SourceRef != "" && f.Value == a.SourceRef })
	}
	return rows, nil
}

// --- Changing an account's standing ----------------------------------------

// accountAction runs one of the Enforcement section's forms: back to the
// account with a confirmation, or its page again with the reason the post
// was refused, the form open as it was sent and nothing changed. name
// names the form; a lift form's name ends in the sanction's id.
func (c *server) accountAction(name string, act func(r *http.Request, v *viewer, id string) (code string, err error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, v *viewer) error {
		if v.mp == nil {
			return store.ErrNotFound
		}
		id := r.PathValue("id")
		code, err := act(r, v, id)
		return settle(w, r, v, err, conflictMessage, strings.TrimPrefix(accountURL(id), consolePath), code, func(status int, f form) error {
			d, err := c.loadAccount(r.Context(), v, id)
			if err != nil {
				return err
			}
			d.Enforcement.form, d.Enforcement.Failed = f, name+r.PathValue("sanction")
			d.Enforcement.Values = r.PostForm
			d.Enforcement.Tier.Sent, d.Enforcement.Apply.Sent = d.Enforcement.sentFor("tier"), d.Enforcement.sentFor("sanction")
			return c.render(w, r, status, "account", d)
		})
	}
}

// confirmation is the notice code of an enforcement step that did res,
// code unless it only scheduled a business user's termination.
func confirmation(res enforce.Enforced, err error, code string) (string, error) {
	if err == nil && res.Action.Kind == "termination_scheduled" {
		return "termination-scheduled", nil
	}
	return code, err
}

// setTier moves the account to the tier the form names.
func (c *server) setTier(r *http.Request, v *viewer, id string) (string, error) {
	res, err := c.d.Enforce.SetTier(r.Context(), v.mp.ID, v.decider(), id, r.PostFormValue("tier"), decisionOf(r))
	return confirmation(res, err, "tier-changed")
}

// impose imposes the sanction the form describes.
func (c *server) impose(r *http.Request, v *viewer, id string) (string, error) {
	kind := r.PostFormValue("kind")
	rate, err := commissionRate(kind, r.PostFormValue("commission_rate"))
	if err != nil {
		return "", err
	}
	res, err := c.d.Enforce.Impose(r.Context(), v.mp.ID, v.decider(), id, enforce.SanctionRequest{Kind: kind,
		Duration: strings.TrimSpace(r.PostFormValue("duration")), CommissionRate: rate, Class: r.PostFormValue("class"),
		Remedial: strings.TrimSpace(r.PostFormValue("remedial")), Decision: decisionOf(r)})
	return confirmation(res, err, "sanction-imposed")
}

// lift ends the sanction the path names early.
func (c *server) lift(r *http.Request, v *viewer, id string) (string, error) {
	res, err := c.d.Enforce.Lift(r.Context(), v.mp.ID, v.decider(), id, r.PathValue("sanction"), enforce.Decision{Reason: r.PostFormValue("reason")})
	return confirmation(res, err, "sanction-lifted")
}

// commissionRate reads the sanction form's commission rate, written in
// percent as people say it, as the fraction the service takes. Mistakes
// are told in the form's terms rather than the API's.
func commissionRate(kind, s string) (float64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	switch {
	case s == "" && kind == enforce.RaisedCommission:
		return 0, fmt.Errorf("%w: a raised commission needs its rate in percent, such as 15", enforce.ErrInvalid)
	case s == "":
		return 0, nil
	case kind != enforce.RaisedCommission:
		return 0, fmt.Errorf("%w: a commission rate is for a raised commission only; leave it empty for other sanctions", enforce.ErrInvalid)
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || x <= 0 || x > 100 {
		return 0, fmt.Errorf("%w: the commission rate must be a percentage above 0 and at most 100, such as 15", enforce.ErrInvalid)
	}
	return x / 100, nil
}

// --- Recommendations --------------------------------------------------------

// recommendationStatuses are the recommendations page's tabs; the first
// is the default.
func recommendationStatuses() []string { return []string{"pending", "approved", "rejected"} }

// recommendationsData is the recommendations page.
type recommendationsData struct {
	// form holds a refused decision; Failed names its form, approve-ID or
	// reject-ID.
	form
	Failed string
	Status string
	Tabs   []choice
	// Account narrows the list to one account, when set.
	Account string
	Rows    []recommendationRow
	// More: the list was cut at its page size.
	More bool
}

// recommendationRow is a recommendation with its people named, its
// evidence in words and the decision forms v is offered.
type recommendationRow struct {
	enforce.Recommendation
	CreatedByName, DecidedByName string
	// CaseRef: SourceRef is a case of the marketplace.
	CaseRef bool
	// Evidence is what the recommendation rests on; Also are the later
	// recommendations of the same that joined it.
	Evidence []fact
	Also     []alsoRow
	// Decide shows the Approve and Reject forms.
	Decide          bool
	Approve, Reject decisionForm
}

// alsoRow is a later recommendation of the same tier or sanction that
// joined a pending one.
type alsoRow struct {
	By, Source, Reason string
	At                 time.Time
}

// actorRef names an actor written as "type:id" (a recommendation's
// creator) or a bare user id (its decider).
func actorRef(name func(typ, id string) string, ref string) string {
	if typ, id, ok := strings.Cut(ref, ":"); ok {
		return name(typ, id)
	}
	return name(audit.ActorUser, ref)
}

// evidenceOf puts a recommendation's or a timeline entry's evidence into
// words; only recommendations have Also.
func evidenceOf(raw json.RawMessage, name func(typ, id string) string) ([]fact, []alsoRow) {
	var ev map[string]any
	if json.Unmarshal(raw, &ev) != nil {
		return nil, nil
	}
	var also []alsoRow
	if list, ok := ev["also"].([]any); ok {
		for _, x := range list {
			var a struct {
				Source, Reason string
				By             audit.Actor
				At             time.Time
			}
			if b, err := json.Marshal(x); err == nil && json.Unmarshal(b, &a) == nil {
				also = append(also, alsoRow{By: name(a.By.Type, a.By.ID), Source: a.Source, Reason: a.Reason, At: a.At})
			}
		}
	}
	delete(ev, "also")
	var facts []fact
	for _, k := range slices.Sorted(maps.Keys(ev)) {
		facts = append(facts, fact{Label: human(k), Value: factValue(k, ev[k], name)})
	}
	return facts, also
}

// loadRecommendations gathers a page of recommendations of a status,
// optionally of one account, with the forms v may use on the pending
// ones; failed names the form a refused post sent, and sent its values.
func (c *server) loadRecommendations(ctx context.Context, v *viewer, status, account, failed string, sent url.Values) (recommendationsData, error) {
	mp := v.mp.ID
	d := recommendationsData{Status: status, Account: account, Failed: failed, Tabs: choices(recommendationStatuses())}
	recs, err := c.d.Enforce.Recommendations(ctx, mp, status, account, recommendationsSize)
	if err != nil {
		return d, err
	}
	d.More = len(recs) == recommendationsSize
	if len(recs) == 0 {
		return d, nil
	}
	e, err := c.enforcementPolicy(ctx, mp)
	if err != nil {
		return d, err
	}
	name, err := c.actorNames(ctx, mp)
	if err != nil {
		return d, err
	}
	isCase, err := caseRefs(ctx, c.d.DB, mp, recs, func(r enforce.Recommendation) string { return r.SourceRef })
	if err != nil {
		return d, err
	}
	for _, r := range recs {
		row := recommendationRow{Recommendation: r, CreatedByName: actorRef(name, r.CreatedBy), CaseRef: isCase[r.SourceRef],
			Decide: r.Status == "pending" && v.works() && enforce.MayDecide(e, r.Tier, r.Sanction, v.authority())}
		if r.DecidedBy != "" {
			row.DecidedByName = actorRef(name, r.DecidedBy)
		}
		row.Evidence, row.Also = evidenceOf(r.Evidence, name)
		if row.Decide {
			pick := func(form string) url.Values {
				if form == failed {
					return sent
				}
				return nil
			}
			row.Approve = decisionFields("approve-"+r.ID, e, false, pick("approve-"+r.ID))
			row.Reject = decisionFields("reject-"+r.ID, e, false, pick("reject-"+r.ID))
			row.Reject.ReasonRequired = true
		}
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}

// tabFilter reads a tabbed list's status (?status=, the first of tabs
// unless another of them) and account (?account=), as the
// recommendations and appeals pages filter.
func tabFilter(q url.Values, tabs []string) (status, account string) {
	status = q.Get("status")
	if !slices.Contains(tabs, status) {
		status = tabs[0]
	}
	return status, strings.TrimSpace(q.Get("account"))
}

// recommendations lists the recommendations of the status chosen, newest
// first.
func (c *server) recommendations(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	status, account := tabFilter(r.URL.Query(), recommendationStatuses())
	d, err := c.loadRecommendations(r.Context(), v, status, account, "", nil)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "recommendations", d)
}

// decide approves or rejects the recommendation the path names: back to
// the pending ones with a confirmation, or the list again with the reason
// it was refused and nothing changed.
func (c *server) decide(approve bool) handlerFunc {
	verdict, code := "reject", "recommendation-rejected"
	if approve {
		verdict, code = "approve", "recommendation-approved"
	}
	return func(w http.ResponseWriter, r *http.Request, v *viewer) error {
		if v.mp == nil {
			return store.ErrNotFound
		}
		ctx, id := r.Context(), r.PathValue("id")
		_, err := c.d.Enforce.Decide(ctx, v.mp.ID, v.decider(), id, approve, decisionOf(r))
		return settle(w, r, v, err, conflictMessage, "recommendations", code, func(status int, f form) error {
			d, err := c.loadRecommendations(ctx, v, "pending", "", verdict+"-"+id, r.PostForm)
			if err != nil {
				return err
			}
			d.form.Error = f.Error
			return c.render(w, r, status, "recommendations", d)
		})
	}
}

// pendingRecommendations counts the recommendations waiting for a
// person, up to the page size (more: at least that many).
func (c *server) pendingRecommendations(ctx context.Context, marketplaceID string) (n int, more bool, err error) {
	recs, err := c.d.Enforce.Recommendations(ctx, marketplaceID, "pending", "", recommendationsSize)
	return len(recs), len(recs) == recommendationsSize, err
}
