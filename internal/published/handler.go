package published

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/store"
)

// embedded holds the page templates and the stylesheet. go:embed requires
// a package-level variable; it is read once, in New.
//
//go:embed templates/*.html static/published.css
var embedded embed.FS

// Marketplaces finds a marketplace by its slug; an unknown slug is
// store.ErrNotFound.
type Marketplaces interface {
	MarketplaceBySlug(ctx context.Context, slug string) (store.Marketplace, error)
}

// Policies gives a marketplace's policy in force.
type Policies interface {
	Get(ctx context.Context, marketplaceID string) (check.Effective, error)
}

// Deps are what the handler reads.
type Deps struct {
	Marketplaces Marketplaces
	Policies     Policies
	// Log receives failures; the visitor only sees that something went
	// wrong. Nil discards.
	Log *slog.Logger
}

// Handler serves the published policy pages: GET /policies/{slug} (HTML),
// GET /policies/{slug}.json and the page's stylesheet. No login: the pages
// are public by design, and hold nothing about accounts.
type Handler struct {
	d       Deps
	tmpl    *template.Template
	css     []byte
	cssHash string
}

// Path is the address of a marketplace's published policy page; add
// ".json" for the JSON document.
func Path(slug string) string { return "/policies/" + slug }

// stylesheetPath is the stylesheet's address. A slug never contains a
// dot, so it cannot collide with a marketplace's page.
const stylesheetPath = "/policies/published.css"

// New returns the handler. It panics when the embedded templates do not
// parse, a build defect every test catches.
func New(d Deps) *Handler {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	tmpl, err := template.New("published").ParseFS(embedded, "templates/*.html")
	if err != nil {
		panic("published: " + err.Error())
	}
	css, err := embedded.ReadFile("static/published.css")
	if err != nil {
		panic("published: " + err.Error())
	}
	sum := sha256.Sum256(css)
	return &Handler{d: d, tmpl: tmpl, css: css, cssHash: hex.EncodeToString(sum[:8])}
}

// Register adds the routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+stylesheetPath, h.stylesheet)
	mux.HandleFunc("GET /policies/{slug}", h.page)
}

// page serves one marketplace's page, as JSON when the slug ends in .json.
func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	slug, asJSON := strings.CutSuffix(r.PathValue("slug"), ".json")
	securityHeaders(w.Header())
	if !validSlug(slug) {
		h.notFound(w, r, asJSON)
		return
	}
	ctx := r.Context()
	mp, err := h.d.Marketplaces.MarketplaceBySlug(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r, asJSON)
		return
	}
	if err != nil {
		h.fail(w, r, asJSON, err)
		return
	}
	eff, err := h.d.Policies.Get(ctx, mp.ID)
	if err != nil {
		h.fail(w, r, asJSON, err)
		return
	}
	pg := Build(Marketplace{Name: mp.Name, Slug: mp.Slug}, eff.Compiled, eff.Version)
	// Policy changes take effect at once; a minute of caching spares the
	// database a popular page without keeping an old policy up for long.
	w.Header().Set("Cache-Control", "public, max-age=60")
	if asJSON {
		writeJSON(w, http.StatusOK, "application/json", pg)
		return
	}
	h.render(w, r, http.StatusOK, "page", struct {
		Page      Page
		CSS, JSON string
	}{pg, h.stylesheetURL(), Path(mp.Slug) + ".json"})
}

// validSlug reports whether s could be a slug (tenant.CreateMarketplace
// makes them of lower-case letters, digits and hyphens), so that other
// paths are answered without a query.
func validSlug(s string) bool {
	return s != "" && len(s) <= 200 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, asJSON bool) {
	w.Header().Set("Cache-Control", "public, max-age=60")
	detail := "No marketplace publishes a policy at this address."
	if asJSON {
		writeProblem(w, http.StatusNotFound, "Not Found", detail)
		return
	}
	h.render(w, r, http.StatusNotFound, "message", message{Title: "Policy not found", Message: detail + " Check the link, or ask the marketplace for its policy page.", CSS: h.stylesheetURL()})
}

// fail answers an unexpected error without its details, which go to the
// log only.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, asJSON bool, err error) {
	h.d.Log.ErrorContext(r.Context(), "published policy page failed", "path", r.URL.Path, "err", err)
	w.Header().Set("Cache-Control", "no-store")
	if asJSON {
		writeProblem(w, http.StatusInternalServerError, "Internal Server Error", "The policy could not be loaded; try again shortly.")
		return
	}
	h.render(w, r, http.StatusInternalServerError, "message", message{Title: "Something went wrong", Message: "The policy could not be loaded; try again shortly.", CSS: h.stylesheetURL()})
}

// message is the data of the not-found and error pages.
type message struct {
	Title, Message, CSS string
}

// render executes a template into a buffer first, so that a template
// error yields an error answer rather than half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := h.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		h.d.Log.ErrorContext(r.Context(), "render published policy page", "template", name, "err", err)
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "Something went wrong.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	// A failed write means the client went away; there is no one to tell.
	w.Write(buf.Bytes())
}

// stylesheetURL carries the stylesheet's content hash, so that browsers
// may cache it for a year and still pick up a new release at once.
func (h *Handler) stylesheetURL() string { return stylesheetPath + "?v=" + h.cssHash }

func (h *Handler) stylesheet(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Type", "text/css; charset=utf-8")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("ETag", `"`+h.cssHash+`"`)
	if r.URL.Query().Get("v") == h.cssHash {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "published.css", time.Time{}, bytes.NewReader(h.css))
}

// securityHeaders allow the page nothing but its own stylesheet: no
// scripts at all, no frames, no forms.
func securityHeaders(hd http.Header) {
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
}

// writeProblem writes an RFC 9457 problem, as the API does.
func writeProblem(w http.ResponseWriter, status int, title, detail string) {
	writeJSON(w, status, "application/problem+json", map[string]any{"title": title, "status": status, "detail": detail})
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		// Page holds strings, numbers and lists only; this cannot happen.
		http.Error(w, "Something went wrong.", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	// The document is public: other sites (the marketplace's own front
	// end) may read it. No credentials are involved.
	hd.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}
