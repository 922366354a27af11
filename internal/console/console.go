// Package console is Vigil's moderator console: server-rendered HTML pages
// (html/template, progressively enhanced with a vendored copy of htmx) under
// /console/, behind a session login, with CSRF protection on every form,
// role checks and per-marketplace scoping.
//
// The package owns only presentation: every change goes through the domain
// services (user, tenant, outbox, fraud, cases, enforce, appeal), which
// validate it and write its audit entry in the same transaction.
//
// Adding a page takes one handler and one template file: write
// templates/pages/NAME.html defining the blocks "title" and "content",
// register the handler in routes with c.page (choosing who may see it), and
// call c.render(w, r, status, "NAME", data) from it. The layout (header,
// marketplace switcher, navigation, CSRF token, footer) is filled in by
// render.
package console

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/compliance"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/fraud"
	"github.com/vigil-ts/vigil/internal/outbox"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/tenant"
	"github.com/vigil-ts/vigil/internal/user"
)

// embedded holds the templates and static assets. go:embed requires a
// package-level variable; it is read only by New, which keeps everything it
// derives (parsed templates, asset hashes) in the server it returns.
//
//go:embed templates static
var embedded embed.FS

// Deps is what the console needs from the rest of Vigil.
type Deps struct {
	DB      *store.DB
	Users   *user.Service
	Tenants *tenant.Service
	// Outbox manages webhook subscriptions. It may be nil: the webhooks
	// page then lists subscriptions read-only, without create, test, retry
	// or disable buttons. The test and retry buttons also need its Queue.
	Outbox *outbox.Service
	// Policies gives the policy in force for the policy page; required.
	Policies *check.Policies
	// Fraud scores accounts and keeps their links, for the accounts
	// pages; required.
	Fraud *fraud.Service
	// Cases is the moderation queue: reports, cases and their actions,
	// alerts and the queue's figures; required.
	Cases *cases.Service
	// Enforce is the enforcement ladder: accounts' tiers, sanctions,
	// timelines and statements of reasons, and the recommendations
	// waiting for a person; required.
	Enforce *enforce.Service
	// Appeals is appeals and complaints: the queue with its SLAs, each
	// appeal's review and outcome, and the open appeals the dashboard and
	// account pages count; required.
	Appeals *appeal.Service
	// Compliance gives the transparency report, the audit export and
	// the rules' precision; required.
	Compliance *compliance.Service
	Log        *slog.Logger
	// Now is the clock, for times shown relative to now; nil means the
	// system clock.
	Now func() time.Time
	// SecureCookies sets the Secure attribute and the __Host- prefix on the
	// session cookie, for deployments behind HTTPS.
	SecureCookies bool
	// Version is shown in the footer.
	Version string
	// SnapshotTTL is how long the dashboard's queue figures and the
	// transparency report are served from their last reading before they
	// are read again (see snapshots); zero reads them on every request.
	SnapshotTTL time.Duration
}

// server is the console: its dependencies and everything New derives from
// the embedded files once, so requests never parse templates.
type server struct {
	d Deps
	// pages holds, per page name, the layout joined with that page's
	// blocks.
	pages  map[string]*template.Template
	assets *assets
	mux    *http.ServeMux
	// seen remembers when each user's console activity was last recorded.
	seen activity
	// snaps holds the aggregate reads pages serve for a while.
	snaps *snapshots
}

// New returns the console's handler for everything under /console/. The
// caller mounts it with mux.Handle("/console/", h). It panics if the
// embedded templates do not parse, which is a build defect that any test
// catches.
func New(d Deps) http.Handler {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = func() time.Time { return time.Now().UTC() }
	}
	c := &server{d: d, mux: http.NewServeMux(), seen: activity{at: map[string]time.Time{}}, snaps: newSnapshots(d.SnapshotTTL, d.Now)}
	var err error
	if c.assets, err = loadAssets(embedded, "static"); err != nil {
		panic("console: " + err.Error())
	}
	if c.pages, err = parsePages(embedded, c.funcs()); err != nil {
		panic("console: " + err.Error())
	}
	c.routes()

	// Cross-origin form posts are refused from the browser's own signals
	// (Sec-Fetch-Site, Origin) before any handler runs; the per-session
	// token checked in c.page is the second, independent layer, and the
	// only one older browsers honour.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.errorPage(w, r, http.StatusForbidden, "Request refused",
			"This form was sent from another site, so it was refused. Open the console directly and try again.")
	}))
	return securityHeaders(cop.Handler(c.mux))
}

// access says who may open a page.
type access int

const (
	anyone        access = iota // any logged-in user
	moderators                  // agents, senior moderators and admins, who work the queue
	seniors                     // senior moderators and admins, who may act on accounts
	admins                      // users with the admin role
	operatorAdmin               // admins not tied to one marketplace
)

// route is one console page: its pattern, who may open it, its handler.
type route struct {
	pattern string
	who     access
	h       handlerFunc
}

// table is the console's pages behind a login. The access test walks
// this table, so a new page is checked for every role the day it is
// added.
func (c *server) table() []route {
	return []route{
		{"POST /console/logout", anyone, c.logout},

		{"GET /console/{$}", anyone, c.dashboard},
		{"GET /console/audit", anyone, c.auditLog},
		{"POST /console/audit/verify", admins, c.verifyAudit},
		{"GET /console/audit/export", admins, c.exportAudit},
		{"GET /console/transparency", anyone, c.transparency},
		{"GET /console/transparency.csv", anyone, c.transparencyCSV},
		{"GET /console/rules", anyone, c.rulePrecision},
		{"GET /console/cases", anyone, c.queue},
		{"POST /console/cases/next", moderators, c.takeNext},
		{"GET /console/cases/{id}", anyone, c.casePage},
		{"POST /console/cases/{id}/actions", moderators, c.caseAction},
		{"POST /console/alerts/{id}/acknowledge", moderators, c.acknowledge},
		{"GET /console/decisions", anyone, c.decisions},
		{"GET /console/decisions/{id}", anyone, itemPage(c, "decision", c.loadDecision)},
		{"GET /console/accounts", anyone, c.accounts},
		{"GET /console/accounts/{id}", anyone, itemPage(c, "account", c.loadAccount)},
		{"POST /console/accounts/{id}/links", seniors, c.confirmLink},
		{"POST /console/accounts/{id}/links/{other}/remove", seniors, c.removeLink},
		// Enforcement posts are for moderators; which tiers and sanctions each
		// role may apply is the policy's, and enforce.Service checks it.
		{"POST /console/accounts/{id}/tier", moderators, c.accountAction("tier", c.setTier)},
		{"POST /console/accounts/{id}/sanctions", moderators, c.accountAction("sanction", c.impose)},
		{"POST /console/accounts/{id}/sanctions/{sanction}/lift", moderators, c.accountAction("lift-", c.lift)},
		{"GET /console/listings/{id}", anyone, itemPage(c, "listing", c.loadListing)},
		{"POST /console/listings/{id}/status", moderators, c.listingAction(c.moveListing)},
		{"POST /console/listings/{id}/property-check", moderators, c.listingAction(c.checkProperty)},
		{"GET /console/appeals", anyone, c.appeals},
		{"GET /console/appeals/{id}", anyone, itemPage(c, "appeal", c.loadAppeal)},
		// Any role may post: the appeal service says who may decide (R-A3).
		{"POST /console/appeals/{id}/decision", anyone, c.decideAppeal},
		{"GET /console/recommendations", anyone, c.recommendations},
		{"POST /console/recommendations/{id}/approve", moderators, c.decide(true)},
		{"POST /console/recommendations/{id}/reject", moderators, c.decide(false)},
		{"GET /console/policy", anyone, c.policyPage},
		{"GET /console/search", anyone, c.search},
		{"GET /console/settings", anyone, c.settingsPage},
		{"POST /console/settings", anyone, c.saveSettings},
		// The policy editor (policy.go): live lint, review, save.
		{"POST /console/policy/lint", admins, c.lintPolicy},
		{"POST /console/policy/preview", admins, c.previewPolicy},
		{"POST /console/policy", admins, c.savePolicy},

		{"GET /console/admin/marketplaces", operatorAdmin, c.marketplaces},
		{"POST /console/admin/marketplaces", operatorAdmin, c.createMarketplace},

		{"GET /console/admin/keys", admins, c.keys},
		{"POST /console/admin/keys", admins, c.createKey},
		{"POST /console/admin/keys/{id}/revoke", admins, c.revokeKey},

		{"GET /console/admin/webhooks", admins, c.webhooks},
		{"POST /console/admin/webhooks", admins, c.subscribe},
		{"POST /console/admin/webhooks/{id}/test", admins, c.webhookAction(c.sendTest, "webhook-test", true)},
		{"POST /console/admin/webhooks/{id}/disable", admins, c.webhookAction(c.disableSubscription, "webhook-disabled", false)},
		{"POST /console/admin/webhooks/deliveries/{id}/retry", admins, c.webhookAction(c.retryDelivery, "delivery-retried", true)},

		{"GET /console/admin/users", admins, c.users},
		{"POST /console/admin/users", admins, c.createUser},
	}
}

func (c *server) routes() {
	m := c.mux
	m.Handle("GET /console/static/{name}", c.assets)
	m.HandleFunc("GET /console/login", c.loginForm)
	m.HandleFunc("POST /console/login", c.login)
	for _, p := range c.table() {
		m.Handle(p.pattern, c.page(p.who, p.h))
	}
	m.Handle("/console/", c.page(anyone, func(http.ResponseWriter, *http.Request, *viewer) error {
		return store.ErrNotFound
	}))
}

// handlerFunc is a console page handler. It runs for a logged-in user
// allowed to see the page, with the current marketplace resolved; an error
// it returns is shown as a 404 (store.ErrNotFound) or a generic 500 page.
type handlerFunc func(w http.ResponseWriter, r *http.Request, v *viewer) error

// itemPage is the handler of a page that shows one item of the current
// marketplace, the one the path's {id} names, such as an account (its risk
// computed now) or a case: load gathers what the page shows, and answers
// store.ErrNotFound when the marketplace has no such item.
func itemPage[T any](c *server, page string, load func(ctx context.Context, v *viewer, id string) (T, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, v *viewer) error {
		if v.mp == nil {
			return store.ErrNotFound
		}
		d, err := load(r.Context(), v, r.PathValue("id"))
		if err != nil {
			return err
		}
		return c.render(w, r, http.StatusOK, page, d)
	}
}

// page wraps h with the checks every console page needs, in order: a
// session, a readable form and its CSRF token on POST, the role, and the
// marketplace. The viewer goes into the request's context for render.
func (c *server) page(who access, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := c.authenticate(r)
		if errors.Is(err, user.ErrNoSession) {
			c.needLogin(w, r)
			return
		}
		if err != nil {
			c.fail(w, r, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if err := r.ParseForm(); err != nil {
				c.errorPage(w, r, http.StatusBadRequest, "Bad request", "That form could not be read; nothing was changed.")
				return
			}
			if !v.validCSRF(r) {
				c.errorPage(w, r, http.StatusForbidden, "Request refused",
					"This form has expired or did not come from the console. Reload the page and try again.")
				return
			}
		}
		if !v.may(who) {
			c.errorPage(w, r, http.StatusForbidden, "Not allowed",
				"Your role does not give access to this page. Ask an administrator if you need it.")
			return
		}
		if err := c.resolveMarketplace(w, r, v); err != nil {
			c.fail(w, r, err)
			return
		}
		if err := h(w, r, v); err != nil {
			c.fail(w, r, err)
		}
	})
}

// maxFormBytes bounds request bodies; console forms are small.
const maxFormBytes = 64 << 10

// fail shows err as a page: not found, or a generic error whose details go
// only to the log, since Go error strings may name internals.
func (c *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		c.errorPage(w, r, http.StatusNotFound, "Not found",
			"There is nothing here, or it belongs to a marketplace you cannot see.")
		return
	}
	c.d.Log.ErrorContext(r.Context(), "console request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	c.errorPage(w, r, http.StatusInternalServerError, "Something went wrong", "Something went wrong; nothing was changed.")
}

// securityHeaders adds the headers every console response carries. The
// content security policy allows only our own scripts and styles, so an
// injection that slipped past template escaping still could not run.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		// Remote images are listings' photos (https only), loaded without a
		// referrer.
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}
