package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/user"
)

// TestListingPage moves a listing and records a property check from its
// page, on both databases; refusals are explained with nothing changed,
// and the page never shows the street.
func TestListingPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixtureOn(t, db)
		mp := f.mp.Marketplace.ID
		f.seedListings(t, mp, "seller1", "l1", "A sturdy city bike with new tyres")
		page := listingURL("l1")
		mod := f.loggedIn(t, "agent", user.Agent, mp)
		mod.get(page).want(t, http.StatusOK, "Listing <code>l1</code>", "Not checked", "No status move recorded yet.", "Berlin", "Move the listing").
			lacks(t, "Geheimweg")

		mod.post(page+"/status", url.Values{"status": {"changes_requested"}, "fields": {"images"}}).
			want(t, http.StatusUnprocessableEntity, "Not saved.", "A rejection or change request needs its reason.")
		mod.post(page+"/status", url.Values{"status": {"changes_requested"}, "reason": {"Add a photo of the frame number."}, "fields": {"images"},
			"clause": {"Required information"}}).redirectsTo(t, page+"?done=listing-moved&mp="+mp)
		mod.post(page+"/status", url.Values{"status": {"approved"}, "reason": {"Photo added."}}).redirectsTo(t, page+"?done=listing-moved&mp="+mp)
		r := mod.get(page+"?done=listing-moved").want(t, http.StatusOK, "The listing was moved", "Changes requested → ", "Approved",
			"Add a photo of the frame number.", "(Required information)", "fields images")
		// Expiring is the freshness job's, not a moderator's: not offered.
		if opts := options(t, r, "listing-to"); len(opts) != 3 {
			t.Errorf("moves offered from approved: %v", opts)
		}
		mod.post(page+"/property-check", url.Values{"checked": {"yes"}, "note": {"Lease in the seller's name"}}).
			redirectsTo(t, page+"?done=property-checked&mp="+mp)
		mod.get(page).want(t, http.StatusOK, "Property checked", "not a guarantee of legal ownership")

		f.loggedIn(t, "reviewer", user.AppealsReviewer, mp).get(page).want(t, http.StatusOK, "Status history").lacks(t, "Move the listing", "Evidence reviewed")
		f.loggedIn(t, "outsider", user.Agent, f.other.Marketplace.ID).get(page).want(t, http.StatusNotFound)
	})
}

// TestBrowserListing approves a listing through its page in Chromium.
func TestBrowserListing(t *testing.T) {
	t.Parallel()
	chromium(t) // skip before seeding
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	f.addUser(t, "agent", user.Agent, mp)
	f.seedListings(t, mp, "seller1", "l7", "A sturdy city bike with new tyres")
	b := newBrowser(t)
	base := f.srv.URL
	b.run("desktop", chromedp.EmulateViewport(1280, 900))
	b.login(base, "agent")
	b.run("approve it through the form",
		chromedp.Navigate(base+listingURL("l7")),
		chromedp.WaitVisible(chromedp.ID("listing-to")),
		chromedp.SetValue(chromedp.ID("listing-to"), "approved"),
		chromedp.SendKeys(chromedp.ID("listing-reason"), "Complete and plausible."),
		chromedp.Click(chromedp.CSS(`form[action$="/status"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#listing-status.status-approved")),
	)
	if got := b.text(".listing-history li"); !strings.Contains(got, "Approved") || !strings.Contains(got, "Complete and plausible.") {
		t.Errorf("history shows %q", got)
	}
	b.screenshot("listing-1280")
	b.noSideways("listing", 1280)
}
