package console

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// The policy page: the policy in force for a category, for everyone, and
// for admins an editor of the marketplace's policy document. The editor is
// linted as the admin types (POST /console/policy/lint answers the
// "policy-lint" fragment), "Review changes" shows the changes as a diff
// against the document in force with its lint result, and only a reviewed
// document that lints clean can be saved, with the version the edit
// started from, so that a change someone else saved meanwhile is shown,
// never overwritten unseen. The rules are those of PUT /v1/policy:
// check.Policies.Save lints again and audits the save.

// policyData is the policy page's content.
type policyData struct {
	Category   string
	Categories []string
	// Version is the marketplace document's version in force, 0 for the
	// built-in defaults; Effective the resolved policy of Category as YAML.
	Version   int64
	Effective string
	// Saved is the version a save just stored, for its confirmation.
	Saved int64
	// Editor is the document editor, for admins only.
	Editor *policyEditor
}

// policyEditor is the editor's state.
type policyEditor struct {
	// Document is the editor's text: the stored document (or a starter
	// when there is none), or the text as posted, which is never lost.
	Document string
	// Version is the version of the document in force that the edit is
	// based on, sent back with the form; 0 means none yet.
	Version int64
	// Problems are Document's lint problems.
	Problems policy.Problems
	// Review is set after "Review changes" and after a refused save.
	Review *policyReview
}

// Next is the version a save would create.
func (e *policyEditor) Next() int64 { return e.Version + 1 }

// policyReview is an edit compared with the document in force.
type policyReview struct {
	Hunks          []diffHunk
	Added, Removed int
	// Conflict is set when the document in force is no longer the version
	// the edit started from, Since.
	Conflict bool
	Since    int64
	// Error says why a save was refused.
	Error string
	// Reviewed is the reviewed text's fingerprint, sent back with Save;
	// set only when the text changes the document and lints clean.
	Reviewed string
}

// diffContext is how many unchanged lines a review shows around changes.
const diffContext = 3

// policyStarter is the editor's text for a marketplace without a
// document: comments, which change nothing.
const policyStarter = `# This marketplace's policy document. Write only what differs from the
# built-in defaults (the policy in force is shown below), for example:
#
# review:
#   min_length: 80
# rules:
#   - name: cheap_car_new_seller
#     check: listing
#     expr: account.age_days < 30 && listing.price < 100000
#     outcome: pending_review
#     severity: high
#     clause: "§4.2 Prices must be realistic"
`

// loadPolicy gathers the policy page for category, with the editor's
// version for admins, and returns the policy in force too.
func (c *server) loadPolicy(ctx context.Context, v *viewer, category string) (policyData, check.Effective, error) {
	eff, err := c.d.Policies.Get(ctx, v.mp.ID)
	if err != nil {
		return policyData{}, eff, err
	}
	y, err := policy.Marshal(eff.Compiled.Policy(category))
	if err != nil {
		return policyData{}, eff, err
	}
	d := policyData{Category: category, Categories: eff.Compiled.Categories(), Version: eff.Version, Effective: string(y)}
	if v.may(admins) {
		d.Editor = &policyEditor{Version: eff.Version}
	}
	return d, eff, nil
}

// policyPage shows the policy in force for a category and, to admins, the
// editor with the document in force; ?saved=N confirms a save.
func (c *server) policyPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	q := r.URL.Query()
	d, eff, err := c.loadPolicy(r.Context(), v, q.Get("category"))
	if err != nil {
		return err
	}
	// Only a version that exists is confirmed, so a link cannot claim one.
	if n, err := strconv.ParseInt(q.Get("saved"), 10, 64); err == nil && n > 0 && n <= eff.Version {
		d.Saved = n
	}
	if e := d.Editor; e != nil {
		e.Document = eff.Document
		if eff.Version == 0 {
			e.Document = policyStarter
		}
		e.Problems = policy.Lint([]byte(e.Document))
	}
	return c.render(w, r, http.StatusOK, "policy", d)
}

// lintPolicy answers the editor's live lint: the posted document's
// problems, as the "policy-lint" fragment.
func (c *server) lintPolicy(w http.ResponseWriter, r *http.Request, _ *viewer) error {
	return c.fragment(w, http.StatusOK, "policy", "policy-lint", policy.Lint([]byte(postedDocument(r))))
}

// previewPolicy shows the edit against the document in force.
func (c *server) previewPolicy(w http.ResponseWriter, r *http.Request, v *viewer) error {
	base, _ := baseVersion(r)
	return c.review(w, r, v, http.StatusOK, base, "")
}

// savePolicy saves the reviewed document as the version after the one it
// was based on. Anything else, such as text changed since the review, a
// problem or a version saved meanwhile, shows the review again with why,
// the text kept and nothing saved.
func (c *server) savePolicy(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return store.ErrNotFound
	}
	doc := postedDocument(r)
	base, ok := baseVersion(r)
	switch {
	case !ok:
		return c.review(w, r, v, http.StatusUnprocessableEntity, base,
			"The form did not say which version of the policy the edit started from. Check the changes below against the policy in force, then save them.")
	case r.PostFormValue("reviewed") != fingerprint(doc):
		return c.review(w, r, v, http.StatusUnprocessableEntity, base,
			"The text is not the one reviewed. Check the changes below, then save them.")
	}
	saved, err := c.d.Policies.Save(r.Context(), v.actor(), v.mp.ID, doc, base)
	switch {
	case errors.Is(err, check.ErrInvalidPolicy):
		return c.review(w, r, v, http.StatusUnprocessableEntity, base, "The policy has problems: fix them, then review the changes again.")
	case errors.Is(err, store.ErrConflict):
		return c.review(w, r, v, http.StatusConflict, base, "Nothing was saved.")
	case err != nil:
		return err
	}
	q := url.Values{"saved": {strconv.FormatInt(saved, 10)}, "mp": {v.mp.ID}}
	http.Redirect(w, r, consolePath+"policy?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// review shows the posted document in the editor with its problems and
// its changes to the document in force, which the editor is now based on;
// a base other than that version is a conflict to point out (-1: the form
// did not say). refused says why a save was refused, if one was.
func (c *server) review(w http.ResponseWriter, r *http.Request, v *viewer, status int, base int64, refused string) error {
	if v.mp == nil {
		return store.ErrNotFound
	}
	d, eff, err := c.loadPolicy(r.Context(), v, "")
	if err != nil {
		return err
	}
	doc := postedDocument(r)
	lines := lineDiff(eff.Document, doc)
	rv := &policyReview{Hunks: unified(lines, diffContext), Conflict: base >= 0 && base != eff.Version, Since: base, Error: refused}
	rv.Added, rv.Removed = diffStat(lines)
	e := d.Editor
	e.Document, e.Problems, e.Review = doc, policy.Lint([]byte(doc)), rv
	if len(e.Problems) == 0 && len(rv.Hunks) > 0 {
		rv.Reviewed = fingerprint(doc)
	}
	return c.render(w, r, status, "policy", d)
}

// postedDocument is the form's document with the line breaks browsers send
// (CRLF) read as newlines.
func postedDocument(r *http.Request) string {
	return strings.ReplaceAll(r.PostFormValue("document"), "\r\n", "\n")
}

// baseVersion is the version the posted edit started from; false when
// the form does not say, which must never pass for "any version".
func baseVersion(r *http.Request) (int64, bool) {
	n, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil || n < 0 {
		return -1, false
	}
	return n, true
}

// fingerprint identifies a reviewed text, so that Save stores only what
// was reviewed.
func fingerprint(doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(sum[:])
}
