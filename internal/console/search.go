package console

import (
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/store"
)

// The console's search box, in the header of every page: one exact match
// in the current marketplace — an account's, a listing's or a case's id,
// a report's reference, an account's email address or phone number —
// opens the item; several are listed; none is said so. Another
// marketplace's items are never found, so the answer reveals nothing
// about them.

// maxQuery bounds a search; ids, references and emails are shorter.
const maxQuery = 256

// seesContactPoints reports whether the user may look accounts up by
// email address or phone number: senior moderators and admins, who act
// on accounts. Agents and appeals reviewers work with ids.
func (v *viewer) seesContactPoints() bool { return v.senior() }

// searchHit is a found item as the result list shows it.
type searchHit struct {
	store.SearchHit
	URL string
}

// searchData is the search page: the query and what it found.
type searchData struct {
	Query string
	// Contacts: the viewer may search by email address and phone number.
	Contacts bool
	// Contact is the kind of contact point the query looks like (email
	// or phone), if any; ContactRefused says the viewer's role may not
	// search by it, so it was not looked for.
	Contact        string
	ContactRefused bool
	TooLong        bool
	Hits           []searchHit
}

// search answers the header's search box (GET /console/search?q=…).
func (c *server) search(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	d := searchData{Query: strings.TrimSpace(r.URL.Query().Get("q")), Contacts: v.seesContactPoints()}
	if d.Query == "" {
		return c.render(w, r, http.StatusOK, "search", d)
	}
	if d.TooLong = utf8.RuneCountInString(d.Query) > maxQuery; d.TooLong {
		return c.render(w, r, http.StatusNotFound, "search", d)
	}
	q := store.SearchQuery{MarketplaceID: v.mp.ID, ID: d.Query, Reference: cases.NormaliseReference(d.Query)}
	d.Contact = contactKind(d.Query)
	switch {
	case d.Contact != "" && !v.seesContactPoints():
		d.ContactRefused = true
	case d.Contact == event.IDEmail:
		q.Email = event.NormaliseIdentifier(event.IDEmail, d.Query)
	case d.Contact == event.IDPhone:
		q.Phone = event.NormaliseIdentifier(event.IDPhone, d.Query)
	}
	hits, err := c.d.DB.Search(r.Context(), q)
	if err != nil {
		return err
	}
	for _, h := range hits {
		d.Hits = append(d.Hits, searchHit{SearchHit: h, URL: hitURL(h)})
	}
	switch len(d.Hits) {
	case 0:
		return c.render(w, r, http.StatusNotFound, "search", d)
	case 1:
		http.Redirect(w, r, d.Hits[0].URL+"?"+url.Values{"mp": {v.mp.ID}}.Encode(), http.StatusSeeOther)
		return nil
	}
	return c.render(w, r, http.StatusOK, "search", d)
}

// hitURL is the console page of a found item.
func hitURL(h store.SearchHit) string {
	switch h.Type {
	case "account":
		return accountURL(h.ID)
	case "listing":
		return listingURL(h.ID)
	}
	return caseURL(h.ID)
}

// contactKind says which contact point a query looks like: an email
// address (it has an @), a phone number (digits, at least six, with only
// the signs people write numbers with), or neither ("").
func contactKind(q string) string {
	if strings.Contains(q, "@") {
		return event.IDEmail
	}
	digits := 0
	for _, r := range q {
		switch {
		case unicode.IsDigit(r):
			digits++
		case !strings.ContainsRune("+-()./ ", r):
			return ""
		}
	}
	if digits >= 6 {
		return event.IDPhone
	}
	return ""
}
