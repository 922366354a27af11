package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/numfmt"

	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/user"
)

// parsePages parses the layout and shared partials once, then each file in
// templates/pages into its own copy, so that every page can define the same
// block names ("title", "content") without clashing.
func parsePages(fsys fs.FS, funcs template.FuncMap) (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(fsys, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	pages := make(map[string]*template.Template, len(files))
	for _, f := range files {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(fsys, f); err != nil {
			return nil, err
		}
		pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return pages, nil
}

// funcs are the helpers templates may call.
func (c *server) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) (string, error) { return c.assets.url(name) },
		// when shows a time for people (the footer says times are UTC);
		// iso is for <time datetime>.
		"when": when,
		"iso":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"ago":  func(t time.Time) string { return ago(c.d.Now().Sub(t)) },
		// relative says when a time is or was, such as a due time: "in
		// 5 h" or "3 h ago".
		"relative": func(t time.Time) string { return relative(c.d.Now(), t) },
		// age says how old something is: "3 days", at least "1 min".
		"age":       func(t time.Time) string { return span(max(c.d.Now().Sub(t), time.Minute)) },
		"roleLabel": roleLabel,
		"join":      strings.Join,
		"count":     count,
		// accountURL is an account's page; points, percent and number
		// write the risk figures.
		"accountURL": accountURL,
		"caseURL":    caseURL,
		"listingURL": listingURL,
		"appealURL":  appealURL,
		"consoleURL": consoleURL,
		// item names an item of the marketplace for the "item-link"
		// partial: item TYPE ID.
		"item":    func(typ, id string) itemRef { return itemRef{Type: typ, ID: id} },
		"human":   human,
		"points":  points,
		"percent": func(x float64) string { return fmt.Sprintf("%.0f%%", x*100) },
		"number":  number,
		// rate writes a commission rate, a fraction, in percent to the
		// precision it was set.
		"rate": func(x float64) string { return number(x*100) + "%" },
	}
}

// when shows a time for people, to the second; the zero time is "—".
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

// ago says how long ago something happened, roughly, as people say it.
func ago(d time.Duration) string {
	if d < time.Minute { // including a little clock skew
		return "just now"
	}
	return span(d) + " ago"
}

// relative says when t is seen from now: "in 5 h" ahead, "3 h ago" (or
// "just now") behind.
func relative(now, t time.Time) string {
	if d := t.Sub(now); d >= time.Minute {
		return "in " + span(d)
	}
	return ago(now.Sub(t))
}

// span says how long a duration of a minute or more is, roughly.
func span(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min", d/time.Minute)
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", d/time.Hour)
	}
	return fmt.Sprintf("%d days", d/(24*time.Hour))
}

// human turns a code (a status, source, action or SLA state such as
// at_risk) into words for people: "At risk".
func human(code string) string {
	return sentenceCase(strings.ReplaceAll(code, "_", " "))
}

// count writes n with thousands separators, as people read totals.
func count(n int64) string { return numfmt.Thousands(n) }

// roleLabel names a role for people.
func roleLabel(role string) string {
	switch user.Role(role) {
	case user.Agent:
		return "Agent"
	case user.SeniorModerator:
		return "Senior moderator"
	case user.AppealsReviewer:
		return "Appeals reviewer"
	case user.Admin:
		return "Admin"
	}
	return role
}

// layout is what the base template needs besides the page's own Data.
type layout struct {
	User *store.User
	// Marketplace is the current one; nil before any exists.
	Marketplace *store.Marketplace
	// Marketplaces feeds an operator's switcher; SwitchPath is the page
	// the switcher reloads in the chosen marketplace.
	Marketplaces []store.Marketplace
	SwitchPath   string
	CSRF         string
	// HXHeaders makes htmx send the CSRF token with every request.
	HXHeaders string
	// BodyClass applies the user's own settings (see bodyClasses).
	BodyClass string
	Nav       []navLink
	Notice    string
	Version   string
	Data      any
}

// navLink is one entry of the left navigation.
type navLink struct {
	Label, Href string
	Active      bool
}

// nav lists the pages v may open, marking the one at path.
func nav(v *viewer, path string) []navLink {
	links := []navLink{{Label: "Dashboard", Href: consolePath}, {Label: "Cases", Href: consolePath + "cases"},
		{Label: "Decisions", Href: consolePath + "decisions"},
		{Label: "Accounts", Href: consolePath + "accounts"}, {Label: "Recommendations", Href: consolePath + "recommendations"},
		{Label: "Appeals", Href: consolePath + "appeals"},
		{Label: "Policy", Href: consolePath + "policy"},
		{Label: "Rules", Href: consolePath + "rules"},
		{Label: "Transparency", Href: consolePath + "transparency"},
		{Label: "Audit log", Href: consolePath + "audit"}}
	if v.admin() {
		if v.operator() {
			links = append(links, navLink{Label: "Marketplaces", Href: consolePath + "admin/marketplaces"})
		}
		links = append(links,
			navLink{Label: "API keys", Href: consolePath + "admin/keys"},
			navLink{Label: "Webhooks", Href: consolePath + "admin/webhooks"},
			navLink{Label: "Users", Href: consolePath + "admin/users"})
	}
	for i := range links {
		if links[i].Href == consolePath {
			links[i].Active = path == consolePath
		} else {
			links[i].Active = strings.HasPrefix(path, links[i].Href)
		}
	}
	return links
}

// render writes page with the common layout filled in from the request's
// viewer, or only its main element to htmx (see swapped). It executes
// into a buffer first so that a template error yields an error page, not
// half a page.
func (c *server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) error {
	l := layout{Version: c.d.Version, Data: data, Notice: notice(r.URL.Query().Get("done"))}
	if v := viewerFrom(r.Context()); v != nil {
		l.User, l.Marketplace, l.CSRF, l.Nav = &v.user, v.mp, v.session.CSRFToken, nav(v, r.URL.Path)
		if v.operator() {
			l.Marketplaces = v.mps
		}
		hx, err := json.Marshal(map[string]string{"X-CSRF-Token": v.session.CSRFToken})
		if err != nil {
			return err
		}
		l.HXHeaders = string(hx)
		l.BodyClass = c.bodyClasses(r.Context(), v)
		l.SwitchPath = switchPath(r, l.Nav)
	}
	name := "layout"
	if swapped(r) {
		name = "main"
	}
	w.Header().Add("Vary", "HX-Request, HX-History-Restore-Request")
	return c.fragment(w, status, page, name, l)
}

// swapped reports whether htmx asked for r to swap the answer into the
// page's main element (layout.html's "main": the title and the main
// element), which is then all it gets. Restoring a page of its history
// (Back, after htmx changed the address) it gets the whole page.
func swapped(r *http.Request) bool {
	return isHTMX(r) && r.Header.Get("HX-History-Restore-Request") != "true"
}

// fragment writes the template name of page's set: "layout" for the whole
// page (see render), or a piece of it that htmx swaps in, such as the
// policy editor's lint result. It executes into a buffer first so that a
// template error yields an error page, not half a page.
func (c *server) fragment(w http.ResponseWriter, status int, page, name string, data any) error {
	t, ok := c.pages[page]
	if !ok {
		return fmt.Errorf("console: no template for page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render %s (%s): %w", page, name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pages show tenant data to one user; no cache may keep them.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	// A failed write means the client went away; there is no one to tell.
	w.Write(buf.Bytes())
	return nil
}

// switchPath is the page the marketplace switcher reloads: the current one,
// or after a form post (whose path may not answer GET) the section it
// belongs to.
func switchPath(r *http.Request, links []navLink) string {
	if r.Method == http.MethodGet {
		return r.URL.Path
	}
	for _, l := range links {
		if l.Active {
			return l.Href
		}
	}
	return consolePath
}

// renderOrFail is render for handlers that have no error to return.
func (c *server) renderOrFail(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	if err := c.render(w, r, status, page, data); err != nil {
		c.fail(w, r, err)
	}
}

// errorData is the error page's content.
type errorData struct {
	Title, Message string
}

// errorPage shows a readable error. Should even that fail, a plain-text
// answer with the same status still tells the user what happened.
func (c *server) errorPage(w http.ResponseWriter, r *http.Request, status int, title, message string) {
	if err := c.render(w, r, status, "error", errorData{Title: title, Message: message}); err != nil {
		c.d.Log.ErrorContext(r.Context(), "console: rendering error page", "err", err)
		http.Error(w, message, status)
	}
}

// notice turns the code a form's redirect carries into its confirmation.
// Codes, not messages, travel in the URL so that nobody can make the
// console display text of their choosing.
func notice(code string) string {
	switch code {
	case "key-revoked":
		return "The key was revoked. Requests that use it are refused from now on."
	case "webhook-test":
		return "A test message was queued. Reload this page in a moment to see its delivery."
	case "delivery-retried":
		return "The delivery was queued to be sent again."
	case "webhook-disabled":
		return "The subscription was disabled. Nothing more will be sent to it."
	case "link-confirmed":
		return "The link was confirmed and recorded in the audit log. Each account now carries a share of the other's risk."
	case "link-removed":
		return "The link was removed and recorded in the audit log."
	case "case-" + cases.ActClaim:
		return "You claimed the case: it is yours until the claim expires. Release it if you stop working on it."
	case "case-" + cases.ActRelease:
		return "The case was released back to the queue."
	case "case-" + cases.ActAssign:
		return "The case was assigned."
	case "case-" + cases.ActNote:
		return "The note was added to the case's history."
	case "case-" + cases.ActEscalate:
		return "The case was escalated to the senior moderators."
	case "case-" + cases.ActRecommendTier:
		return "The recommendation was recorded and sent to the enforcement team. The account's tier does not change until they act."
	case "case-closed":
		return "The case was closed. Its reporters are told the outcome."
	case "queue-empty":
		return "Nothing left to take: every open case you may work is claimed or there are none."
	case "alert-acknowledged":
		return "The alert was acknowledged."
	case "tier-changed":
		return "The account's tier was changed and recorded on its enforcement timeline. A restriction comes with its statement of reasons, sent to the marketplace."
	case "termination-scheduled":
		return "The termination was scheduled: this business user keeps their standing until the notice period ends, and the statement of reasons says when."
	case "sanction-imposed":
		return "The sanction was imposed and its statement of reasons sent to the marketplace."
	case "sanction-lifted":
		return "The sanction was lifted and recorded on the account's enforcement timeline."
	case "listing-moved":
		return "The listing was moved; its history records why and the marketplace was told."
	case "property-checked":
		return "The property check was recorded."
	case "appeal-decided":
		return "The appeal was decided; the outcome was applied and the reply sent to the marketplace."
	case "appeal-escalated":
		return "The appeal was escalated to a senior reviewer; its due time is unchanged."
	case "recommendation-approved":
		return "The recommendation was approved and applied to the account as your decision."
	case "settings-saved":
		return "Your settings were saved. They apply to every page you open from now on."
	case "recommendation-rejected":
		return "The recommendation was rejected. The account's timeline records why."
	}
	return ""
}
