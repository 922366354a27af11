package console

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/listing"
	"github.com/vigil-ts/vigil/internal/store"
)

// A listing in the console (R-L6–R-L9): its status with the history of
// every move, its trust levels and freshness as the public trust view
// shows them, and the moderator's forms — move it, record a property
// check. Reviews in the queue move listings through the same lifecycle.

// listingURL is a listing's console page.
func listingURL(id string, more ...string) string {
	return consoleURL(append([]string{"listings", id}, more...)...)
}

// listingMoveRow is a status move in words.
type listingMoveRow struct {
	listing.History
	By string
	// CaseRef: Ref is a case of the marketplace.
	CaseRef bool
}

// listingData is a listing's page.
type listingData struct {
	form
	ID, Title, Category, AccountID string
	Trust                          listing.Trust
	// Images are its pictures, shown as the viewer's settings say.
	Images  contentImages
	History []listingMoveRow
	// Moves are the statuses a moderator may move it to now; Work shows
	// the forms.
	Moves []string
	Work  bool
	// Cases are the newest cases on it.
	Cases []store.Case
	Trail trail
}

// loadListing gathers a listing's page for v.
func (c *server) loadListing(ctx context.Context, v *viewer, id string) (listingData, error) {
	mp := v.mp.ID
	tr, err := c.d.Cases.Listings.TrustOf(ctx, mp, id)
	if err != nil {
		return listingData{}, err
	}
	e, err := c.d.DB.Entity(ctx, mp, "listing", id)
	if err != nil {
		return listingData{}, err
	}
	var data struct{ Title, Category string }
	_ = json.Unmarshal(e.Data, &data) // validated on the way in
	d := listingData{ID: id, Title: data.Title, Category: data.Category, AccountID: e.AccountID, Trust: tr, Work: v.works(),
		Images: imagesOf(e.Data, data.Title)}
	hist, err := c.d.Cases.Listings.HistoryOf(ctx, mp, id, 200)
	if err != nil {
		return d, err
	}
	name, err := c.actorNames(ctx, mp)
	if err != nil {
		return d, err
	}
	isCase, err := caseRefs(ctx, c.d.DB, mp, hist, func(h listing.History) string { return h.Ref })
	if err != nil {
		return d, err
	}
	for _, h := range hist {
		by := human(h.Actor)
		if h.Actor == listing.ActorModerator || h.Actor == listing.ActorAppeal {
			by = userName(name, h.ActorID)
		}
		d.History = append(d.History, listingMoveRow{History: h, By: by, CaseRef: isCase[h.Ref]})
	}
	for _, to := range []string{listing.Approved, listing.ChangesRequested, listing.Rejected, listing.Paused} {
		if listing.CheckMove(tr.Status, to, listing.ActorModerator) == nil {
			d.Moves = append(d.Moves, to)
		}
	}
	if d.Cases, err = c.d.DB.TargetCases(ctx, mp, e.AccountID, "listing", id, trailSize); err != nil {
		return d, err
	}
	it := itemRef{Type: "listing", ID: id}
	d.Trail, err = c.loadTrail(ctx, v, name, it, ownTrail(it))
	return d, err
}

// listingAction runs one of a listing's forms: back to the listing with a
// confirmation, or its page again with why it was refused.
func (c *server) listingAction(act func(r *http.Request, v *viewer, id string) (string, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, v *viewer) error {
		if v.mp == nil {
			return store.ErrNotFound
		}
		id := r.PathValue("id")
		code, err := act(r, v, id)
		return settle(w, r, v, err, "Someone changed the listing at the same moment. Nothing was changed; look at it again.",
			strings.TrimPrefix(listingURL(id), consolePath), code, reload(c, w, r, v, "listing", id, c.loadListing))
	}
}

// moveListing moves the listing as the form says, as a moderator.
func (c *server) moveListing(r *http.Request, v *viewer, id string) (string, error) {
	var fields []string
	for _, f := range strings.Split(r.PostFormValue("fields"), ",") {
		if f = strings.TrimSpace(f); f != "" {
			fields = append(fields, f)
		}
	}
	err := c.d.Cases.Listings.Move(r.Context(), v.mp.ID, audit.Actor{Type: audit.ActorUser, ID: v.user.ID}, id, listing.Move{
		To: r.PostFormValue("status"), Actor: listing.ActorModerator, ActorID: v.user.ID, Reason: strings.TrimSpace(r.PostFormValue("reason")),
		Clause: strings.TrimSpace(r.PostFormValue("clause")), Fields: fields})
	return "listing-moved", err
}

// checkProperty records the moderator's property check.
func (c *server) checkProperty(r *http.Request, v *viewer, id string) (string, error) {
	checked := r.PostFormValue("checked") == "yes"
	return "property-checked", c.d.Cases.Listings.CheckProperty(r.Context(), v.mp.ID, v.user, id, checked, r.PostFormValue("note"))
}
