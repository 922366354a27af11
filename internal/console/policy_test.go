package console

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/user"
)

// badRule is a policy whose rule's CEL expression ends early, on line 4;
// goodRule is it fixed.
const (
	badRule  = "rules:\n  - name: cheap\n    check: listing\n    expr: listing.price <\n    outcome: pending_review\n    severity: high\n    clause: Prices must be realistic\n"
	goodRule = "rules:\n  - name: cheap\n    check: listing\n    expr: listing.price < 100\n    outcome: pending_review\n    severity: high\n    clause: Prices must be realistic\n"
)

var (
	htmlTag      = regexp.MustCompile(`<[^>]*>`)
	editorText   = regexp.MustCompile(`(?s)<textarea id="policy-document"[^>]*>\n(.*?)</textarea>`)
	hiddenFields = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// textOnly is a page's text without its tags, entities decoded.
func (r response) textOnly() string { return html.UnescapeString(htmlTag.ReplaceAllString(r.body, "")) }

// policyEditor is the text of the policy editor on the page.
func (r response) policyEditor(t *testing.T) string {
	t.Helper()
	m := editorText.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no policy editor on the page:\n%s", r.body)
	}
	return html.UnescapeString(m[1])
}

// hiddenField is the value of the page's hidden field name; "" when absent.
func (r response) hiddenField(name string) string {
	for _, m := range hiddenFields.FindAllStringSubmatch(r.body, -1) {
		if m[1] == name {
			return html.UnescapeString(m[2])
		}
	}
	return ""
}

// wantDiff fails the test unless the page's diff has every one of lines,
// written as in a unified diff ("+added", "-removed").
func (r response) wantDiff(t *testing.T, lines ...string) {
	t.Helper()
	text := r.textOnly()
	word := map[byte]string{'+': "Added: ", '-': "Removed: "}
	for _, l := range lines {
		if !strings.Contains(text, word[l[0]]+l+"\n") && !strings.HasSuffix(text, word[l[0]]+l) {
			t.Errorf("the diff lacks %q:\n%s", l, text)
		}
	}
}

// TestPolicyLint lints as the editor does while an admin types: a rule
// whose CEL does not parse is reported at its line and column with its
// path and message, exactly as policy.Lint says, and a clean document as
// "No problems". Other roles see the policy read-only.
func TestPolicyLint(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	admin := f.loggedIn(t, "boss", user.Admin, mp)
	page := admin.get("/console/policy?mp="+mp).want(t, http.StatusOK, `id="policy-document"`, `hx-post="/console/policy/lint"`,
		`hx-trigger="input changed delay:500ms"`, `aria-live="polite"`, "Review changes", "No problems.", "the built-in defaults").
		lacks(t, `id="policy-save"`)
	if got := page.policyEditor(t); got != policyStarter {
		t.Errorf("a marketplace without a document starts from\n%s", got)
	}
	if v := page.hiddenField("version"); v != "0" {
		t.Errorf("the editor is based on version %q, want 0", v)
	}

	probs := policy.Lint([]byte(badRule))
	if len(probs) != 1 || probs[0].Line != 4 {
		t.Fatalf("the bad rule lints as %v", probs)
	}
	p := probs[0]
	lint := admin.post("/console/policy/lint", url.Values{"mp": {mp}, "document": {badRule}}).
		want(t, http.StatusOK, `<div id="policy-lint-body" data-problems="1">`, "1 problem",
			fmt.Sprintf(`data-line="4" data-column="%d"`, p.Column), fmt.Sprintf(">4:%d</a>", p.Column),
			"<code class=\"lint-path\">rules[0].expr</code>", p.Message).
		lacks(t, "<html", "No problems.")
	if !strings.Contains(lint.body, html.EscapeString(p.Message)) {
		t.Errorf("the message is not %q:\n%s", p.Message, lint.body)
	}
	admin.post("/console/policy/lint", url.Values{"document": {goodRule}}).
		want(t, http.StatusOK, `data-problems="0"`, "No problems.")
	// Browsers send CRLF line breaks; they are newlines.
	admin.post("/console/policy/lint", url.Values{"document": {strings.ReplaceAll(goodRule, "\n", "\r\n")}}).
		want(t, http.StatusOK, "No problems.")

	agent := f.loggedIn(t, "agent", user.Agent, mp)
	agent.get("/console/policy?mp="+mp).want(t, http.StatusOK, "min_length: 50").
		lacks(t, `id="policy-document"`, "Review changes", "policy.js")
	agent.post("/console/policy/lint", url.Values{"document": {badRule}}).want(t, http.StatusForbidden, "Not allowed")
	agent.post("/console/policy", url.Values{"document": {goodRule}, "version": {"0"}, "reviewed": {fingerprint(goodRule)}}).
		want(t, http.StatusForbidden, "Not allowed")
	if eff, err := f.policies.Get(t.Context(), mp); err != nil || eff.Version != 0 {
		t.Fatalf("after an agent's save: version %d, %v", eff.Version, err)
	}
}

// TestPolicyEditor edits a marketplace's policy through the console on
// both databases: a review shows the diff against the document in force
// and offers Save; saving creates the next version with its audit entry;
// a save based on a version someone else replaced meanwhile is refused
// with the conflict and the diff against what is in force now, as are
// text changed since the review, a missing version and an invalid
// document, which keeps its text and its problems; nothing is saved then.
func TestPolicyEditor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixtureOn(t, db)
		ctx := t.Context()
		mp := f.mp.Marketplace.ID
		boss := f.addUser(t, "boss", user.Admin, mp)
		admin := f.client(t)
		admin.login("boss")
		inForce := func(version int64, doc string) {
			t.Helper()
			eff, err := f.policies.Get(ctx, mp)
			if err != nil || eff.Version != version || eff.Document != doc {
				t.Fatalf("in force: version %d %q (%v), want version %d %q", eff.Version, eff.Document, err, version, doc)
			}
		}
		form := func(version, doc, reviewed string) url.Values {
			return url.Values{"mp": {mp}, "version": {version}, "document": {doc}, "reviewed": {reviewed}}
		}

		first := "review:\n  min_length: 80\n"
		r := admin.post("/console/policy/preview", form("0", first, "")).
			want(t, http.StatusOK, "Changes to the built-in defaults", "2 lines added, 0 removed.", "@@ -0,0 +1,2 @@", "Save as version 1")
		r.wantDiff(t, "+review:", "+  min_length: 80")
		if r.policyEditor(t) != first || r.hiddenField("version") != "0" {
			t.Errorf("the review keeps %q based on %q", r.policyEditor(t), r.hiddenField("version"))
		}
		reviewed := r.hiddenField("reviewed")

		// What was not reviewed is not saved.
		admin.post("/console/policy", form("0", first+"listing:\n  min_images: 1\n", reviewed)).
			want(t, http.StatusUnprocessableEntity, "Not saved.", "The text is not the one reviewed.", "+  min_images: 1")
		// A save must say which version it replaces ("-1" would skip the
		// check): without, it is reviewed against the version in force.
		for _, version := range []string{"", "-1", "one"} {
			r := admin.post("/console/policy", form(version, first, reviewed)).
				want(t, http.StatusUnprocessableEntity, "Not saved.", "did not say which version", "Changes to the built-in defaults").
				lacks(t, "changed meanwhile")
			if r.hiddenField("version") != "0" {
				t.Errorf("after a save without a version, the editor is based on %q", r.hiddenField("version"))
			}
		}
		inForce(0, "")

		admin.post("/console/policy", form("0", first, reviewed)).redirectsTo(t, "/console/policy?mp="+mp+"&saved=1")
		inForce(1, first)
		page := admin.get("/console/policy?saved=1&mp="+mp).
			want(t, http.StatusOK, "Version 1 of the policy was saved", "version 1 of the marketplace's document", "min_length: 80")
		if page.policyEditor(t) != first || page.hiddenField("version") != "1" {
			t.Errorf("after the save the editor has %q based on %q", page.policyEditor(t), page.hiddenField("version"))
		}
		// A link cannot confirm a version that was never saved.
		admin.get("/console/policy?saved=7&mp="+mp).lacks(t, "Version 7")

		second := "review:\n  min_length: 90\n"
		r = admin.post("/console/policy/preview", form("1", second, "")).
			want(t, http.StatusOK, "Changes to version 1", "1 line added, 1 removed.", "@@ -1,2 +1,2 @@", "Save as version 2").
			lacks(t, "changed meanwhile")
		r.wantDiff(t, "-  min_length: 80", "+  min_length: 90")
		reviewed = r.hiddenField("reviewed")

		// Meanwhile an integration saves version 2 through the API.
		other := "review:\n  min_length: 70\nlisting:\n  min_images: 2\n"
		if _, err := f.policies.Save(ctx, system, mp, other, 1); err != nil {
			t.Fatal(err)
		}
		r = admin.post("/console/policy", form("1", second, reviewed)).
			want(t, http.StatusConflict, "The policy changed meanwhile.", "In force now: version 2; your edit started from version 1.",
				"Nothing was saved.", "Changes to version 2", "Save as version 3")
		r.wantDiff(t, "-  min_length: 70", "-listing:", "-  min_images: 2", "+  min_length: 90")
		if r.policyEditor(t) != second || r.hiddenField("version") != "2" {
			t.Errorf("the conflict keeps %q based on %q", r.policyEditor(t), r.hiddenField("version"))
		}
		inForce(2, other)

		// An invalid document is refused with its problems, its text kept.
		r = admin.post("/console/policy", form("2", badRule, fingerprint(badRule))).
			want(t, http.StatusUnprocessableEntity, "Not saved.", "The policy has problems", "rules[0].expr", "cannot be saved yet").
			lacks(t, `id="policy-save"`)
		if r.policyEditor(t) != badRule {
			t.Errorf("the refused document became %q", r.policyEditor(t))
		}
		admin.post("/console/policy/preview", form("2", badRule, "")).
			want(t, http.StatusOK, "1 problem", "cannot be saved yet").lacks(t, `id="policy-save"`)
		inForce(2, other)

		// Having seen what changed, the admin saves over it: version 3.
		admin.post("/console/policy", form("2", second, reviewed)).redirectsTo(t, "/console/policy?mp="+mp+"&saved=3")
		inForce(3, second)
		admin.post("/console/policy/preview", form("3", second, "")).
			want(t, http.StatusOK, "No changes: the text is the same as version 3.").lacks(t, `id="policy-save"`)

		entries, err := f.db.AuditEntries(ctx, store.AuditQuery{Chain: mp})
		if err != nil {
			t.Fatal(err)
		}
		var saves []string
		for _, e := range entries {
			if e.Action == "policy.saved" {
				saves = append(saves, e.ActorType+" "+e.ActorID+" "+e.Detail)
			}
		}
		if len(saves) != 3 || !strings.HasPrefix(saves[0], audit.ActorUser+" "+boss.ID+" ") || !strings.Contains(saves[0], `"version":1`) ||
			!strings.HasPrefix(saves[2], audit.ActorUser+" "+boss.ID+" ") || !strings.Contains(saves[2], `"version":3`) {
			t.Errorf("policy saves audited: %q", saves)
		}
	})
}

// TestBrowserPolicyEditor edits the policy in Chromium as an admin: a
// rule with a bad CEL expression typed into the editor is reported by the
// live lint at its line with no Save offered, the line:column link puts
// the cursor there; fixed, reviewed and saved, it is the new version. It
// screenshots the lint and the review, the review at desktop and tablet
// width, where nothing may scroll sideways.
func TestBrowserPolicyEditor(t *testing.T) {
	t.Parallel()
	chromium(t) // skip before seeding
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	f.addUser(t, "boss", user.Admin, mp)
	b := newBrowser(t)
	base := f.srv.URL
	b.run("desktop", chromedp.EmulateViewport(1280, 900))
	b.login(base, "boss")
	b.run("open the editor",
		chromedp.Navigate(base+"/console/policy"),
		chromedp.WaitVisible(chromedp.CSS("#policy-editor.numbered #policy-gutter")),
	)
	evaluate := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return s
	}
	p := policy.Lint([]byte(badRule))[0]
	evaluate(`document.getElementById("policy-document").value = ""`)
	b.run("type a rule with a bad expression",
		chromedp.SendKeys(chromedp.ID("policy-document"), badRule),
		chromedp.WaitVisible(chromedp.CSS(`#policy-lint a.lint-at`)),
	)
	if at := b.text("#policy-lint a.lint-at"); at != fmt.Sprintf("%d:%d", p.Line, p.Column) {
		t.Errorf("the lint points at %q, want %d:%d", at, p.Line, p.Column)
	}
	if msg := b.text("#policy-lint li"); !strings.Contains(msg, "rules[0].expr") || !strings.Contains(msg, "Syntax error") {
		t.Errorf("the lint says %q", msg)
	}
	if got := evaluate(`String(document.getElementById("policy-save")) + " " + document.getElementById("policy-document").getAttribute("aria-invalid")`); got != "null true" {
		t.Errorf("with a problem: Save and aria-invalid are %q, want no Save and invalid", got)
	}
	if n := evaluate(`document.getElementById("policy-gutter").textContent.trim().split("\n").length.toString()`); n != "8" {
		t.Errorf("%s line numbers for 7 lines and the empty one after", n)
	}
	b.screenshot("policy-lint-1280")
	b.run("jump to the problem", chromedp.Click(chromedp.CSS(`#policy-lint a.lint-at`)))
	if at := evaluate(`(d => d === document.activeElement ? d.value.slice(0, d.selectionStart).split("\n").length.toString() : "not focused")(document.getElementById("policy-document"))`); at != "4" {
		t.Errorf("the problem's link put the cursor on line %s, want 4", at)
	}

	b.run("fix it",
		chromedp.SetValue(chromedp.ID("policy-document"), strings.TrimSuffix(goodRule, "\n")),
		chromedp.SendKeys(chromedp.ID("policy-document"), "\n"),
		chromedp.WaitVisible(chromedp.CSS("#policy-lint .lint-ok")),
	)
	b.run("review the changes",
		chromedp.Click(chromedp.ID("policy-review")),
		chromedp.WaitVisible(chromedp.ID("policy-save")),
	)
	if d := b.text("table.diff"); !strings.Contains(d, "+    expr: listing.price < 100") || !strings.Contains(d, "@@ -0,0 +1,7 @@") {
		t.Errorf("the diff shows %q", d)
	}
	// Changing the text withdraws the review's Save until reviewed again.
	evaluate(`(d => { d.focus(); d.setSelectionRange(d.value.length, d.value.length); return ""; })(document.getElementById("policy-document"))`)
	b.run("change it after the review",
		chromedp.SendKeys(chromedp.ID("policy-document"), "# checked\n"),
		chromedp.WaitVisible(chromedp.ID("policy-save-stale")),
	)
	if got := evaluate(`document.getElementById("policy-save").disabled.toString()`); got != "true" {
		t.Errorf("Save after changing the reviewed text: disabled = %s", got)
	}
	b.run("review again",
		chromedp.Click(chromedp.ID("policy-review")),
		chromedp.WaitVisible(chromedp.CSS("#policy-save:not([disabled])")),
	)
	for _, width := range []int64{1280, 800} {
		b.run("review at "+fmt.Sprint(width), chromedp.EmulateViewport(width, 900))
		b.screenshot(fmt.Sprintf("policy-review-%d", width))
		b.noSideways("policy review", width)
	}
	b.run("save",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Click(chromedp.ID("policy-save")),
		chromedp.WaitVisible(chromedp.CSS("main .notice")),
	)
	if n := b.text("main .notice"); !strings.Contains(n, "Version 1 of the policy was saved") {
		t.Errorf("after saving the page says %q", n)
	}
	if lede := b.text("main .lede"); !strings.Contains(lede, "version 1 of the marketplace's document") {
		t.Errorf("after saving the page says %q", lede)
	}
	eff, err := f.policies.Get(t.Context(), mp)
	if err != nil || eff.Version != 1 || eff.Document != goodRule+"# checked\n" {
		t.Fatalf("in force: version %d %q (%v)", eff.Version, eff.Document, err)
	}
	b.screenshot("policy-saved-1280")
}
