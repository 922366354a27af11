package console

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/user"
)

// ingestJSON ingests events of mp as the marketplace's backend would:
// pairs of event type and data, each event's id derived from its data.
func (f *fixture) ingestJSON(t *testing.T, mp string, typeAndData ...string) {
	t.Helper()
	now := time.Now().UTC()
	var batch []event.Envelope
	for i := 0; i+1 < len(typeAndData); i += 2 {
		sum := sha256.Sum256([]byte(typeAndData[i+1]))
		batch = append(batch, event.Envelope{ID: "ev-" + hex.EncodeToString(sum[:8]), Type: typeAndData[i],
			OccurredAt: now.Add(-time.Duration(len(typeAndData)-i) * time.Minute), Data: json.RawMessage(typeAndData[i+1])})
	}
	if res, err := f.ingest.Ingest(t.Context(), mp, audit.Actor{Type: audit.ActorAPIKey, ID: "k"}, batch, true); err != nil {
		t.Fatalf("%v: %+v", err, res.Errors)
	}
}

// search asks the console's search box for q.
func (c *client) search(q string) response {
	c.t.Helper()
	return c.get("/console/search?" + url.Values{"q": {q}}.Encode())
}

// TestSearch: the header's search box finds an account, a listing and a
// case by exact id, a case by a report's reference in any case, and — for
// senior moderators and admins only — accounts by email or phone,
// normalised as stored. One hit opens it, several are listed, none says
// so; other marketplaces' items are never found.
func TestSearch(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp, other := f.mp.Marketplace.ID, f.other.Marketplace.ID
	f.ingestJSON(t, mp,
		"account.upserted", `{"account_id":"u-ana","kind":"private","email":"Ana.Lopez@Example.com","phone":"+49 151 1234567"}`,
		"account.upserted", `{"account_id":"u-bo","kind":"private","email":"bo@example.com","phone":"+49 (151) 123-4567"}`)
	f.ingestJSON(t, other,
		"account.upserted", `{"account_id":"u-cy","kind":"private","email":"cy@example.com","phone":"+33 6 12 34 56 78"}`)
	f.seedListings(t, mp, "u-ana", "l-mine", "A sturdy city bike")
	f.seedListings(t, other, "u-cy", "l-theirs", "A family car")
	mine := f.report(t, mp, "listing", "l-mine", "scam_or_fraud", "rep-1", "")
	theirs := f.report(t, other, "listing", "l-theirs", "scam_or_fraud", "rep-2", "")
	q := "?mp=" + mp

	agent := f.loggedIn(t, "agent", user.Agent, mp)
	agent.get("/console/").want(t, http.StatusOK, `action="/console/search"`, `name="q"`, `href="/console/settings"`)
	agent.search("").want(t, http.StatusOK, "Search for").lacks(t, "No match")
	agent.search("u-ana").redirectsTo(t, accountURL("u-ana")+q)
	agent.search(" l-mine ").redirectsTo(t, listingURL("l-mine")+q)
	agent.search(mine.CaseID).redirectsTo(t, caseURL(mine.CaseID)+q)
	agent.search(strings.ToLower(mine.Reference)).redirectsTo(t, caseURL(mine.CaseID)+q)
	agent.search("U-ANA").want(t, http.StatusNotFound, "No match for “U-ANA” in Bikes & Boards.")
	agent.search(strings.Repeat("x", maxQuery+1)).want(t, http.StatusNotFound, "longer than anything")

	// Contact points: not looked for below a senior role, whether or not
	// anything matches.
	for _, who := range []*client{agent, f.loggedIn(t, "reviewer", user.AppealsReviewer, mp)} {
		for _, contact := range []string{"ana.lopez@example.com", "nobody@example.com"} {
			who.search(contact).want(t, http.StatusNotFound, "Searching by email address needs a senior moderator or admin role", "No match").
				lacks(t, "u-ana")
		}
		who.search("+49 151 1234567").want(t, http.StatusNotFound, "Searching by phone number needs a senior").lacks(t, "u-ana", "u-bo")
	}
	for _, who := range []*client{f.loggedIn(t, "senior", user.SeniorModerator, mp), f.loggedIn(t, "mpadmin", user.Admin, mp)} {
		who.search(" ANA.LOPEZ@example.COM").redirectsTo(t, accountURL("u-ana")+q)
		who.search("+49 (0)151").want(t, http.StatusNotFound, "No match").lacks(t, "needs a senior")
		// Both accounts share the number, written differently.
		who.search("+49-151-123 45 67").want(t, http.StatusOK, "2 matches for", `href="/console/accounts/u-ana"`, `href="/console/accounts/u-bo"`,
			"by its phone number")
		// Another marketplace's contact points are not found.
		who.search("cy@example.com").want(t, http.StatusNotFound, "No match").lacks(t, "u-cy")
	}

	// Another marketplace's items are no match, and their pages 404.
	for _, id := range []string{"u-cy", "l-theirs", theirs.CaseID, theirs.Reference} {
		agent.search(id).want(t, http.StatusNotFound, "No match for").lacks(t, "/console/cases/"+theirs.CaseID)
	}
	agent.get("/console/search?q=l-theirs&mp="+other).want(t, http.StatusNotFound).lacks(t, "l-theirs")

	// An operator searches the marketplace they work in.
	op := f.loggedIn(t, "operator", user.Admin, "")
	op.get("/console/search?q=l-theirs&mp="+other).redirectsTo(t, listingURL("l-theirs")+"?mp="+other)
	op.get("/console/search?q=cy%40example.com&mp="+other).redirectsTo(t, accountURL("u-cy")+"?mp="+other)
	op.get("/console/search?q=l-theirs&mp="+mp).want(t, http.StatusNotFound, "No match")
}

// TestContactKind: what counts as an email address or a phone number.
func TestContactKind(t *testing.T) {
	t.Parallel()
	for q, want := range map[string]string{
		"ana@example.com": event.IDEmail, "+49 (151) 123-4567": event.IDPhone, "0151/1234567": event.IDPhone, "123456": event.IDPhone,
		"12345": "", "u-123456": "", "VR-7K2M-Q9XD": "", "case 123456": "",
	} {
		if got := contactKind(q); got != want {
			t.Errorf("contactKind(%q) = %q, want %q", q, got, want)
		}
	}
}
