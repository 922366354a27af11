package console

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vigil-ts/vigil/internal/fraud"
	"github.com/vigil-ts/vigil/internal/risk"
	"github.com/vigil-ts/vigil/internal/store"
)

// Pages about accounts' fraud risk: the accounts at risk, and one
// account's score with its explanation, the signals checked, the events
// behind them, its links and its history. The score is computed when the
// page is opened (fraud.Service.Assess). It only recommends (R-P2) and is
// for moderators' eyes (R-P5): nothing here changes an account's standing.

// Page sizes of the accounts pages.
const (
	atRiskSize   = 100 // accounts listed as at risk
	timelineSize = 100 // events on an account's timeline
	historySize  = 50  // score changes in an account's history
)

// consoleURL is the console path made of parts, each escaped, so any id
// makes a working link.
func consoleURL(parts ...string) string {
	p := consolePath
	for i, m := range parts {
		if i > 0 {
			p += "/"
		}
		p += url.PathEscape(m)
	}
	return p
}

// accountURL is the console path of an account's page, or with more of a
// path below it.
func accountURL(id string, more ...string) string {
	return consoleURL(append([]string{"accounts", id}, more...)...)
}

// points writes a contribution with its sign and one decimal, as
// explanations count them.
func points(p float64) string {
	if p == 0 {
		return "0.0"
	}
	return fmt.Sprintf("%+.1f", p)
}

// number writes a measured value briefly: at most two decimals, no
// trailing zeros.
func number(x float64) string {
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

type accountsData struct {
	Accounts []store.RiskScore
}

// accounts lists the marketplace's accounts with the highest current
// scores. Its search form sends ?account=ID, which opens that account.
func (c *server) accounts(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	if id := strings.TrimSpace(r.URL.Query().Get("account")); id != "" {
		http.Redirect(w, r, accountURL(id)+"?"+url.Values{"mp": {v.mp.ID}}.Encode(), http.StatusSeeOther)
		return nil
	}
	list, err := c.d.DB.HighestRisk(r.Context(), v.mp.ID, atRiskSize)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "accounts", accountsData{Accounts: list})
}

type accountData struct {
	// form is the confirm-link form after a refused post.
	form
	// ID is the account's id, scored or not.
	ID string
	// Scored: Vigil has events for the account, so Account is its risk
	// assessment and the risk sections below are filled in. An account
	// known only from enforcement (a reported account, a recommendation)
	// has just its Enforcement section.
	Scored  bool
	Account fraud.Assessment
	// Chart draws the explanation.
	Chart riskChart
	// Signals are all signals checked, the fired ones first; Fired counts
	// them.
	Signals  []signalRow
	Fired    int
	Timeline []timelineRow
	// History is newest first; Sparkline draws it oldest first, when it
	// has two changes or more.
	History   []store.RiskScore
	Sparkline string
	// CanLink allows confirming and removing links.
	CanLink bool
	// Enforcement is the account's standing, its forms and its timeline.
	Enforcement enforcementView
	// Listings are its newest listings; OpenCases its open cases and
	// ClosedCases the newest closed ones, on it or its content.
	Listings               []store.AccountListing
	OpenCases, ClosedCases []store.Case
	Trail                  trail
}

// riskChart is a score's explanation as the "risk-chart" partial draws
// it: Bars are the contributions, Scale is the points of the longest, and
// Rescaled is set when the points were scaled to add up to the clamped,
// rounded Score (Raw before).
type riskChart struct {
	Bars     []bar
	Scale    float64
	Rescaled bool
	Score    int
	Raw      float64
}

// chartOf lays an explanation out for the "risk-chart" partial.
func chartOf(e risk.Explanation) riskChart {
	ch := riskChart{Rescaled: e.Raw != float64(e.Score), Score: e.Score, Raw: e.Raw}
	ch.Bars, ch.Scale = bars(e.Contributions)
	return ch
}

// bar is one contribution on a chart that diverges from a centre line:
// risk to the right, trust to the left. X and Width are percentages of the
// chart's width; half of it stands for the largest contribution.
type bar struct {
	risk.Contribution
	// Peer is the linked account whose share this is, if it is one.
	Peer     string
	Trust    bool
	X, Width float64
}

// signalRow is a checked signal with its evidence events.
type signalRow struct {
	risk.Signal
	Events []eventRef
}

// eventRef is an event a signal cites; Shown when it is on the page's
// timeline, so that it can link there.
type eventRef struct {
	ID    string
	Shown bool
}

// timelineRow is one of the account's events with the fired signals that
// cite it as evidence.
type timelineRow struct {
	store.StoredEvent
	Evidence []string
}

// bars lays the contributions out on the chart.
func bars(cs []risk.Contribution) (out []bar, scale float64) {
	for _, c := range cs {
		scale = math.Max(scale, math.Abs(c.Points))
	}
	for _, c := range cs {
		b := bar{Contribution: c, Trust: c.Points < 0 || (c.Points == 0 && c.Positive), X: 50}
		if peer, ok := strings.CutPrefix(c.Signal, risk.PeerPrefix); ok {
			b.Peer = peer
		}
		if scale > 0 {
			b.Width = math.Abs(c.Points) / scale * 50
		}
		if b.Trust {
			b.X -= b.Width
		}
		out = append(out, b)
	}
	return out, scale
}

// sparkline draws a history (newest first) from left to right as the
// points of a polyline in a 100×30 box; "" for fewer than two changes.
func sparkline(hist []store.RiskScore) string {
	n := len(hist)
	if n < 2 {
		return ""
	}
	pts := make([]string, n)
	for i, r := range hist {
		j := n - 1 - i // oldest first
		pts[j] = fmt.Sprintf("%.1f,%.1f", float64(j)*100/float64(n-1), 29-float64(r.Score)*0.28)
	}
	return strings.Join(pts, " ")
}

// loadAccount assesses an account now and gathers what its page shows. An
// account with neither events, an enforcement record nor an open case is
// store.ErrNotFound.
func (c *server) loadAccount(ctx context.Context, v *viewer, id string) (accountData, error) {
	a, err := c.d.Fraud.Assess(ctx, v.mp.ID, id)
	scored := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return accountData{}, err
	}
	name, err := c.actorNames(ctx, v.mp.ID)
	if err != nil {
		return accountData{}, err
	}
	en, err := c.loadEnforcement(ctx, v, id, name)
	if err != nil {
		return accountData{}, err
	}
	if !scored && !en.Known {
		// A reported account is known from its case, and may need acting
		// on before the marketplace sends anything about it.
		if _, err := c.d.DB.OpenCaseFor(ctx, v.mp.ID, "account", id); err != nil {
			return accountData{}, err
		}
	}
	d := accountData{ID: id, Scored: scored, Account: a, CanLink: v.senior(), Enforcement: en}
	mp := v.mp.ID
	if d.Listings, err = c.d.DB.AccountListings(ctx, mp, id, trailSize); err != nil {
		return accountData{}, err
	}
	if d.OpenCases, err = c.d.DB.AccountCases(ctx, mp, id, true, trailSize); err != nil {
		return accountData{}, err
	}
	if d.ClosedCases, err = c.d.DB.AccountCases(ctx, mp, id, false, trailSize); err != nil {
		return accountData{}, err
	}
	it := itemRef{Type: "account", ID: id}
	if d.Trail, err = c.loadTrail(ctx, v, name, it, ownTrail(it)); err != nil {
		return accountData{}, err
	}
	if !scored {
		return d, nil
	}
	events, err := c.d.DB.Events(ctx, store.EventsQuery{MarketplaceID: v.mp.ID, AccountID: id, Limit: timelineSize})
	if err != nil {
		return accountData{}, err
	}
	if d.History, err = c.d.DB.RiskHistory(ctx, v.mp.ID, id, historySize); err != nil {
		return accountData{}, err
	}
	d.Sparkline = sparkline(d.History)
	d.Chart = chartOf(a.Explanation)

	cites := map[string][]string{}
	for _, s := range a.Signals {
		if s.Fired {
			for _, ev := range s.EventIDs {
				cites[ev] = append(cites[ev], s.Name)
			}
		}
	}
	shown := make(map[string]bool, len(events))
	for _, ev := range events {
		d.Timeline = append(d.Timeline, timelineRow{StoredEvent: ev, Evidence: cites[ev.ID]})
		shown[ev.ID] = true
	}
	for _, s := range a.Signals {
		row := signalRow{Signal: s}
		for _, ev := range s.EventIDs {
			row.Events = append(row.Events, eventRef{ID: ev, Shown: shown[ev]})
		}
		d.Signals = append(d.Signals, row)
		if s.Fired {
			d.Fired++
		}
	}
	slices.SortStableFunc(d.Signals, func(x, y signalRow) int {
		switch {
		case x.Fired == y.Fired:
			return 0
		case x.Fired:
			return -1
		}
		return 1
	})
	return d, nil
}

// confirmLink records a moderator's confirmation that the page's account
// and another belong together. A refusal shows the page again with the
// reason on the form.
func (c *server) confirmLink(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return store.ErrNotFound
	}
	ctx := r.Context()
	id, other := r.PathValue("id"), strings.TrimSpace(r.PostFormValue("account_id"))
	conf, err := confidence(r.PostFormValue("confidence"))
	if err == nil {
		err = c.d.Fraud.ConfirmLink(ctx, v.actor(), v.mp.ID, id, other, conf, strings.TrimSpace(r.PostFormValue("note")))
	}
	if err == nil {
		return done(w, r, v, strings.TrimPrefix(accountURL(id), consolePath), "link-confirmed")
	}
	f, err := c.linkRefused(ctx, v.mp.ID, id, err)
	if err != nil {
		return err
	}
	d, err := c.loadAccount(ctx, v, id)
	if err != nil {
		return err
	}
	d.form = f
	d.Values = r.PostForm
	return c.render(w, r, http.StatusUnprocessableEntity, "account", d)
}

// confidence reads the link form's confidence, 1 when left empty. The
// service checks the range; a value that is no number at all (or NaN,
// which no range check catches) is refused here.
func confidence(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 1, nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%w: confidence must be a number above 0 and at most 1, such as 0.8", fraud.ErrInvalid)
	}
	return x, nil
}

// linkRefused turns ConfirmLink's refusal into the form's message, saying
// which account is unknown; unexpected errors are returned.
func (c *server) linkRefused(ctx context.Context, marketplaceID, id string, err error) (form, error) {
	if !errors.Is(err, store.ErrNotFound) {
		_, f, err := outcome(err, "")
		return f, err
	}
	// Only accounts the marketplace described (account.upserted) can be
	// linked. This page's account may be known from other events alone;
	// otherwise the other account is the unknown one.
	_, err = c.d.DB.Entity(ctx, marketplaceID, "account", id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return form{Error: "This account cannot be linked yet: the marketplace has not sent an account.upserted event for it."}, nil
	case err != nil:
		return form{}, err
	}
	return form{Error: "There is no such account in this marketplace. Check the other account's id: " +
		"an account can be linked once the marketplace has sent an account.upserted event for it."}, nil
}

// removeLink deletes a confirmed link.
func (c *server) removeLink(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return store.ErrNotFound
	}
	id := r.PathValue("id")
	err := c.d.Fraud.RemoveLink(r.Context(), v.actor(), v.mp.ID, id, r.PathValue("other"))
	if errors.Is(err, store.ErrNotFound) {
		c.errorPage(w, r, http.StatusNotFound, "No such link",
			"There is no confirmed link between these accounts; it may have been removed already. Nothing was changed.")
		return nil
	}
	if err != nil {
		return err
	}
	return done(w, r, v, strings.TrimPrefix(accountURL(id), consolePath), "link-removed")
}
