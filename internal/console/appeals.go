package console

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/store"
)

// Appeals in the console (SPEC §7): the queue soonest due first with its
// SLA countdowns, and an appeal's page with the decision appealed — its
// evidence and statement of reasons — beside the plan of action, and the
// four outcomes. appeal.Service decides who may review (R-A3); the page
// offers the outcome form only to them and shows its refusal otherwise.

// appealsSize is how many appeals a page of the queue lists.
const appealsSize = 100

// appealTabs are the queue's tabs; the first is the default.
func appealTabs() []string { return []string{"open", "decided"} }

// appealRow is an appeal in the queue.
type appealRow struct {
	appeal.Appeal
	// Left is the SLA countdown in words; Overdue when past due.
	Left    string
	Overdue bool
}

// appealsData is the appeals queue.
type appealsData struct {
	Status string
	Tabs   []choice
	Rows   []appealRow
	More   bool
}

// countdown says how long an appeal has left, or how long it is overdue.
func countdown(due, now time.Time) (string, bool) {
	if d := due.Sub(now); d > 0 {
		return span(max(d, time.Minute)) + " left", false
	}
	return "overdue by " + span(max(now.Sub(due), time.Minute)), true
}

// appeals lists the open appeals soonest due first, or the decided ones
// newest first.
func (c *server) appeals(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	d := appealsData{Status: appealTabs()[0], Tabs: choices(appealTabs())}
	var statuses []string
	if r.URL.Query().Get("status") == "decided" {
		d.Status, statuses = "decided", []string{"decided"}
	}
	list, err := c.d.Appeals.List(r.Context(), v.mp.ID, statuses, "", appealsSize)
	if err != nil {
		return err
	}
	now := c.d.Now()
	for _, a := range list {
		row := appealRow{Appeal: a}
		if a.Status != "decided" {
			row.Left, row.Overdue = countdown(a.DueAt, now)
		}
		d.Rows = append(d.Rows, row)
	}
	d.More = len(list) == appealsSize
	return c.render(w, r, http.StatusOK, "appeals", d)
}

// appealData is an appeal's page.
type appealData struct {
	form
	appeal.Appeal
	Left    string
	Overdue bool
	// The appealed decision: an enforcement action (tier, sanction) with
	// its statement, a case, or an automated decision.
	Action *actionRow
	Case   *store.Case
	// Caps are the account's capabilities now.
	Caps enforce.Capabilities
	// Decide shows the outcome form; Who says who may decide otherwise.
	Decide bool
	Who    string
	// DeciderName, ReviewerName and EscalatedByName name the people.
	DeciderName, ReviewerName, EscalatedByName string
}

// loadAppeal gathers an appeal's page for v.
func (c *server) loadAppeal(ctx context.Context, v *viewer, id string) (appealData, error) {
	mp := v.mp.ID
	a, err := c.d.Appeals.Get(ctx, mp, id)
	if err != nil {
		return appealData{}, err
	}
	d := appealData{Appeal: a}
	if a.Status != "decided" {
		d.Left, d.Overdue = countdown(a.DueAt, c.d.Now())
	}
	name, err := c.actorNames(ctx, mp)
	if err != nil {
		return d, err
	}
	d.DeciderName, d.ReviewerName, d.EscalatedByName = userName(name, a.DecidedBy), userName(name, a.ReviewerID), userName(name, a.EscalatedBy)
	if d.Caps, err = c.d.Enforce.Capabilities(ctx, mp, a.AccountID); err != nil {
		return d, err
	}
	switch a.Decision.Type {
	case appeal.SubjectTier, appeal.SubjectSanction:
		e, err := c.enforcementPolicy(ctx, mp)
		if err != nil {
			return d, err
		}
		rows, err := c.timeline(ctx, mp, a.AccountID, e, name)
		if err != nil {
			return d, err
		}
		for i := range rows {
			if rows[i].ID == a.Decision.ID || (a.Decision.Type == appeal.SubjectSanction && rows[i].SanctionID == a.Decision.ID && rows[i].Kind == "sanction") {
				d.Action = &rows[i]
				break
			}
		}
	case appeal.SubjectCase:
		cs, err := c.d.DB.Case(ctx, mp, a.Decision.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return d, err
		}
		if err == nil {
			d.Case = &cs
		}
	}
	d.Decide = a.Status != "decided" && appeal.MayReview(a, v.user) == nil
	if !d.Decide && a.Status != "decided" {
		d.Who = "Appeals reviewers decide appeals, never the moderator who took the decision."
		if a.Status == "escalated" {
			d.Who = "An escalated appeal is decided by an admin or an appeals reviewer other than the one who escalated it."
		}
	}
	return d, nil
}

// userName names a user id, or "" for none.
func userName(name func(typ, id string) string, id string) string {
	if id == "" {
		return ""
	}
	return name("user", id)
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
	status, f, err := outcome(err, "Someone decided the appeal at the same moment. Nothing was changed; look at it again.")
	if err != nil {
		return err
	}
	if status == http.StatusOK {
		code := "appeal-decided"
		if rev.Outcome == appeal.Escalate {
			code = "appeal-escalated"
		}
		return done(w, r, v, "appeals/"+id, code)
	}
	d, err := c.loadAppeal(ctx, v, id)
	if err != nil {
		return err
	}
	d.form, d.Values = f, r.PostForm
	return c.render(w, r, status, "appeal", d)
}

// openAppeals counts the open appeals, and how many of them are overdue,
// up to a page (more: at least that many).
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
