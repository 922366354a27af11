package console

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/store"
)

// Appeals in the console (SPEC §7): the queue soonest due first with its
// SLA countdowns, and an appeal's page with the decision appealed — its
// evidence and statement of reasons — beside the plan of action, and the
// outcomes. appeal.Service decides who may review (R-A3); the page offers
// the outcome form only to them, and only the outcomes the service
// applies to the kind of decision appealed, so the form is never a dead
// end. Who may not gets the page read-only and a line saying who can.

// appealURL is an appeal's console page, or with more of a path below it.
func appealURL(id string, more ...string) string {
	return consoleURL(append([]string{"appeals", id}, more...)...)
}

// appealsSize is how many appeals a page of the queue lists, and how many
// the dashboard counts.
const appealsSize = 100

// appealTabs are the queue's tabs; the first is the default.
func appealTabs() []string { return []string{"open", "decided"} }

// appealSLA is an appeal's SLA as the console shows it: at the console's
// clock, which every relative time on its pages is read against, rather
// than at the appeal service's (whose at_risk and breached flags the API
// answers with).
type appealSLA struct {
	// State is one of the cases' SLA states, styled alike: on_track,
	// at_risk or breached while the appeal waits; met or missed once
	// decided.
	State string
	// Left is the countdown while it waits: "5 h left", "overdue by 2 h".
	Left string
}

// slaOf is appeal a's SLA at now. share is the policy's share of the SLA
// left below which an appeal is at risk, the share appeal.Service filed
// it with: its at-risk time is that share of its SLA before the due time.
func slaOf(a appeal.Appeal, now time.Time, share float64) appealSLA {
	if a.Status == "decided" {
		if a.ResolvedAt.After(a.DueAt) {
			return appealSLA{State: cases.SLAMissed}
		}
		return appealSLA{State: cases.SLAMet}
	}
	s := appealSLA{State: cases.SLAOnTrack, Left: countdown(a.DueAt, now)}
	riskFrom := a.DueAt.Add(-time.Duration(float64(a.DueAt.Sub(a.CreatedAt)) * share))
	switch {
	case !now.Before(a.DueAt):
		s.State = cases.SLABreached
	case !now.Before(riskFrom):
		s.State = cases.SLAAtRisk
	}
	return s
}

// countdown says how long is left until due, or how long it is overdue.
func countdown(due, now time.Time) string {
	if d := due.Sub(now); d > 0 {
		return span(max(d, time.Minute)) + " left"
	}
	return "overdue by " + span(max(now.Sub(due), time.Minute))
}

// atRiskShare is the policy's at-risk share for the marketplace's appeals.
func (c *server) atRiskShare(ctx context.Context, marketplaceID string) (float64, error) {
	pol, err := c.d.Policies.Policy(ctx, marketplaceID)
	if err != nil {
		return 0, err
	}
	return pol.Reports.AtRisk, nil
}

// --- The queue ----------------------------------------------------------------

// appealRow is an appeal in the queue.
type appealRow struct {
	appeal.Appeal
	SLA          appealSLA
	ReviewerName string
}

// appealsData is the appeals queue.
type appealsData struct {
	Status string
	Tabs   []choice
	// Account narrows the list to one account, when set.
	Account string
	Rows    []appealRow
	// More: the list was cut at its page size.
	More bool
}

// appeals lists the open and escalated appeals soonest due first, or the
// decided ones newest first, optionally of one account.
func (c *server) appeals(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	ctx, mp := r.Context(), v.mp.ID
	status, account := tabFilter(r.URL.Query(), appealTabs())
	d := appealsData{Status: status, Tabs: choices(appealTabs()), Account: account}
	var statuses []string // nil: the open queue, by due time
	if status == "decided" {
		statuses = []string{"decided"}
	}
	list, err := c.d.Appeals.List(ctx, mp, statuses, account, appealsSize)
	if err != nil {
		return err
	}
	d.More = len(list) == appealsSize
	share, err := c.atRiskShare(ctx, mp)
	if err != nil {
		return err
	}
	name, err := c.actorNames(ctx, mp)
	if err != nil {
		return err
	}
	now := c.d.Now()
	for _, a := range list {
		d.Rows = append(d.Rows, appealRow{Appeal: a, SLA: slaOf(a, now, share), ReviewerName: userName(name, a.ReviewerID)})
	}
	return c.render(w, r, http.StatusOK, "appeals", d)
}

// openAppeals counts the open appeals and how many of them are past due,
// up to a page (more: at least that many). The queue is soonest due
// first, so the page holds every overdue appeal unless it is all overdue.
func (c *server) openAppeals(ctx context.Context, marketplaceID string) (open, overdue int, more bool, err error) {
	list, err := c.d.Appeals.List(ctx, marketplaceID, nil, "", appealsSize)
	now := c.d.Now()
	for _, a := range list {
		if !now.Before(a.DueAt) {
			overdue++
		}
	}
	return len(list), overdue, len(list) == appealsSize, err
}

// --- An appeal ----------------------------------------------------------------

// appealData is an appeal's page.
type appealData struct {
	// form holds a refused decision: its message and the reply as typed.
	form
	appeal.Appeal
	SLA appealSLA
	// TakenBy names who took the decision appealed.
	TakenBy string
	// The decision appealed, by its type: an enforcement action (tier,
	// sanction) with its evidence and statement of reasons, a case, or an
	// automated decision with its findings. Action is nil when the entry
	// is older than the timeline the page reads.
	Action *actionRow
	Case   *cases.View
	Check  *decidedCheck
	// Listing is the listing a content decision was about, when Vigil
	// knows it: a reversal puts it live again.
	Listing string
	// Caps are the account's capabilities now; Withheld names what it may
	// not do.
	Caps     enforce.Capabilities
	Withheld []string
	// Result is the enforcement step the outcome took, once decided.
	Result *actionRow
	// Decide shows the outcome form with Outcomes; otherwise Who says who
	// may decide and Why the viewer may not.
	Decide   bool
	Outcomes []outcomeButton
	Who, Why string
	// ReviewerName and EscalatedByName name the reviewers.
	ReviewerName, EscalatedByName string
	Trail                         trail
}

// decidedCheck is an automated check's decision, as an appeal shows it.
type decidedCheck struct {
	store.Decision
	Result check.Decided
}

// decidedCheckOf loads an automated decision with its result; nil when
// the marketplace has no such decision.
func (c *server) decidedCheckOf(ctx context.Context, mp, id string) (*decidedCheck, error) {
	dec, err := c.d.DB.Decision(ctx, mp, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	res, err := check.ResultOf(dec)
	if err != nil {
		return nil, err
	}
	return &decidedCheck{Decision: dec, Result: res}, nil
}

// outcomeButton is one of the outcome form's buttons.
type outcomeButton struct {
	Value, Label, Help string
}

// outcomeButtons are the buttons for the outcomes a review of a may
// have, each saying what it does to the decision appealed.
func outcomeButtons(a appeal.Appeal) []outcomeButton {
	undo := map[string]string{
		appeal.SubjectTier:     "Back to the tier before the decision; a scheduled termination is cancelled.",
		appeal.SubjectSanction: "The sanction is lifted now.",
	}[a.Decision.Type]
	if undo == "" {
		undo = "The content is restored: a listing goes live again, other content the marketplace restores."
	}
	var out []outcomeButton
	for _, o := range appeal.OutcomesFor(a.Decision.Type) {
		b := outcomeButton{Value: o, Label: human(o)}
		switch o {
		case appeal.Reverse:
			b.Help = undo
		case appeal.Reduce:
			b.Label, b.Help = "Reduce one tier", "The account moves one tier down instead."
		case appeal.Maintain:
			b.Help = "The decision stands; the appellant gets your reasons."
		case appeal.Escalate:
			b.Help = "To an admin or another appeals reviewer, with your note; the due time stays."
		}
		out = append(out, b)
	}
	return out
}

// withheld names what an account may not do now, for a summary of its
// capabilities beside its tier.
func withheld(c enforce.Capabilities) []string {
	var out []string
	for _, x := range []struct {
		may  bool
		what string
	}{{c.CanList, "list"}, {c.CanOffer, "make offers"}, {c.CanMessage, "message"}, {c.CanBuy, "buy"}, {c.CanGoLive, "sell live"},
		{c.EarlyPayout, "get early payouts"}} {
		if !x.may {
			out = append(out, x.what)
		}
	}
	return out
}

// loadAppeal gathers an appeal's page for v.
func (c *server) loadAppeal(ctx context.Context, v *viewer, id string) (appealData, error) {
	mp := v.mp.ID
	a, err := c.d.Appeals.Get(ctx, mp, id)
	if err != nil {
		return appealData{}, err
	}
	share, err := c.atRiskShare(ctx, mp)
	if err != nil {
		return appealData{}, err
	}
	d := appealData{Appeal: a, SLA: slaOf(a, c.d.Now(), share)}
	name, err := c.actorNames(ctx, mp)
	if err != nil {
		return d, err
	}
	d.ReviewerName, d.EscalatedByName = userName(name, a.ReviewerID), userName(name, a.EscalatedBy)
	d.TakenBy = userName(name, a.DecidedBy)
	if d.Caps, err = c.d.Enforce.Capabilities(ctx, mp, a.AccountID); err != nil {
		return d, err
	}
	d.Withheld = withheld(d.Caps)
	if err := c.appealedDecision(ctx, mp, &d, name); err != nil {
		return d, err
	}
	if d.Trail, err = c.loadTrail(ctx, v, name, itemRef{Type: "appeal", ID: id}, appealTrail(id, a.AccountID)); err != nil {
		return d, err
	}

	if a.Status == "decided" {
		return d, nil
	}
	refusal := appeal.MayReview(a, v.user)
	d.Decide = refusal == nil
	if d.Decide {
		d.Outcomes = outcomeButtons(a)
		return d, nil
	}
	d.Who = "An appeals reviewer who did not take the appealed decision decides it."
	if a.Status == "escalated" {
		d.Who = "It was escalated: an admin, or an appeals reviewer other than " + d.EscalatedByName + ", decides it."
	}
	_, f, err := outcome(refusal, "")
	d.Why = f.Error
	return d, err
}

// appealedDecision fills in the decision d's appeal is against, and the
// enforcement step its outcome took; name names actors.
func (c *server) appealedDecision(ctx context.Context, mp string, d *appealData, name func(typ, id string) string) error {
	a := d.Appeal
	content := ""
	switch a.Decision.Type {
	case appeal.SubjectCase:
		cv, err := c.d.Cases.Get(ctx, mp, a.Decision.ID)
		switch {
		case err == nil:
			d.Case = &cv
			if cv.Target.Type == "listing" {
				content = cv.Target.ID
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	case appeal.SubjectDecision:
		d.TakenBy = "an automated check"
		var err error
		if d.Check, err = c.decidedCheckOf(ctx, mp, a.Decision.ID); err != nil {
			return err
		}
		if d.Check != nil && d.Check.SubjectType == "listing" {
			content = d.Check.SubjectID
		}
	}
	if content != "" {
		// The listing page needs the listing as the marketplace sent it.
		_, err := c.d.DB.Entity(ctx, mp, "listing", content)
		switch {
		case err == nil:
			d.Listing = content
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	if a.Decision.Type != appeal.SubjectTier && a.Decision.Type != appeal.SubjectSanction && a.ResultActionID == "" {
		return nil
	}
	e, err := c.enforcementPolicy(ctx, mp)
	if err != nil {
		return err
	}
	rows, err := c.timeline(ctx, mp, a.AccountID, e, name)
	if err != nil {
		return err
	}
	for i := range rows {
		row := &rows[i]
		switch {
		case row.ID == a.ResultActionID && a.ResultActionID != "":
			d.Result = row
		case a.Decision.Type == appeal.SubjectTier && row.ID == a.Decision.ID,
			a.Decision.Type == appeal.SubjectSanction && row.Kind == "sanction" && row.SanctionID == a.Decision.ID:
			row.Open, d.Action = true, row
			d.TakenBy = row.Actor
		}
	}
	if d.TakenBy == "" {
		d.TakenBy = "automation"
	}
	return nil
}

// decideAppeal applies the outcome the form names: back to the appeal
// with a confirmation, or its page again with the reason it was refused,
// the reply kept and nothing changed.
func (c *server) decideAppeal(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return store.ErrNotFound
	}
	ctx, id := r.Context(), r.PathValue("id")
	rev := appeal.Review{Outcome: r.PostFormValue("outcome"), Reply: r.PostFormValue("reply")}
	_, err := c.d.Appeals.Decide(ctx, v.mp.ID, appeal.Reviewer{User: v.user, Via: v.actor()}, id, rev)
	code := "appeal-decided"
	if rev.Outcome == appeal.Escalate {
		code = "appeal-escalated"
	}
	return settle(w, r, v, err, "Someone decided the appeal at the same moment. Nothing was changed; look at it again.",
		strings.TrimPrefix(appealURL(id), consolePath), code, reload(c, w, r, v, "appeal", id, c.loadAppeal))
}

// userName names a user id, or "" for none.
func userName(name func(typ, id string) string, id string) string {
	if id == "" {
		return ""
	}
	return name(audit.ActorUser, id)
}
