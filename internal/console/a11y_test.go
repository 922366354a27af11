package console

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/demo"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/user"
)

// TestAccessiblePages renders every page of the console's route table
// that answers GET, over the demo marketplace so that each item page
// shows a real item and every section has something in it, as an
// operator admin, who is offered every form; and the login and error
// pages, and item pages showing a refused form. Each page must pass
// checkAccessible.
func TestAccessiblePages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp, items := seedDemo(t, f)
	c := f.loggedIn(t, "a11y", user.Admin, "")
	var paths []string
	for _, rt := range (&server{}).table() {
		method, p, _ := strings.Cut(rt.pattern, " ")
		if method != http.MethodGet {
			continue
		}
		section := strings.Split(strings.TrimPrefix(p, consolePath), "/")[0]
		paths = append(paths, strings.NewReplacer("{$}", "", "{id}", items[section]).Replace(p))
	}
	// Other states of the same pages.
	paths = append(paths, "/console/audit?chain=system", "/console/cases?status=closed", "/console/appeals?status=decided",
		caseURL(items["closed"]), accountURL(items["reported"]), "/console/no-such-page")
	checked := 0
	for _, p := range paths {
		sep := "?"
		if strings.Contains(p, "?") {
			sep = "&"
		}
		r := c.get(p + sep + "mp=" + mp)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			continue // a download: the transparency CSV, the audit export
		}
		if r.StatusCode != http.StatusOK && p != "/console/no-such-page" {
			t.Errorf("GET %s: %d\n%s", p, r.StatusCode, r.body)
			continue
		}
		for _, problem := range checkAccessible(r.body) {
			t.Errorf("%s: %s", p, problem)
		}
		checked++
	}
	if checked < 25 {
		t.Fatalf("only %d pages checked", checked)
	}
	// Pages showing a refused form, its message tied to its fields.
	for _, post := range []struct {
		path string
		form url.Values
	}{
		{accountURL(items["accounts"], "links"), url.Values{"account_id": {"nobody"}}},
		{accountURL(items["accounts"], "tier"), url.Values{"tier": {"no-such-tier"}}},
		{listingURL(items["listings"], "status"), url.Values{"status": {"rejected"}}},
		{caseURL(items["cases"], "actions"), url.Values{"action": {"escalate"}}},
		{appealURL(items["appeals"], "decision"), url.Values{"outcome": {"reverse"}, "reply": {"Too short."}}},
		{"/console/admin/users", url.Values{"username": {"x"}}},
	} {
		post.form.Set("mp", mp)
		r := c.post(post.path, post.form)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("POST %s: %d, want 422\n%s", post.path, r.StatusCode, r.body)
		}
		for _, problem := range checkAccessible(r.body) {
			t.Errorf("POST %s: %s", post.path, problem)
		}
	}
	login := f.client(t).get("/console/login")
	for _, problem := range checkAccessible(login.body) {
		t.Errorf("login page: %s", problem)
	}
}

// seedDemo loads the demo marketplace into f with its reports,
// enforcement and appeals, and a held listing's decision. It returns the
// marketplace and, by the console section of their pages, the items it
// shows: an account with events, enforcement and an appeal, a listing
// with a case, that case, an appeal, a decision that opened a case; and
// a closed case ("closed") and an account known only from a report
// ("reported").
func seedDemo(t *testing.T, f *fixture) (string, map[string]string) {
	t.Helper()
	ctx := t.Context()
	l, err := demo.Load(ctx, f.deps, f.ingest, 7)
	if err != nil {
		t.Fatal(err)
	}
	mp := l.MarketplaceID
	if _, err := demo.FileReports(ctx, f.cases, mp); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Enforce(ctx, f.db, f.enforce, mp); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.FileAppeals(ctx, f.appeals, mp); err != nil {
		t.Fatal(err)
	}
	appeals, err := f.appeals.List(ctx, mp, nil, "", 10)
	if err != nil || len(appeals) == 0 {
		t.Fatalf("demo appeals: %v, %v", appeals, err)
	}
	a := appeals[0]
	held, k := f.holdListing(t, mp, "a11y-l1", "a11y-seller")
	senior := f.addUser(t, "demo-senior", user.SeniorModerator, mp)
	m := cases.Moderator{User: senior, Via: audit.Actor{Type: audit.ActorUser, ID: senior.ID}}
	reported, err := f.cases.List(ctx, mp, cases.ListQuery{Source: "report", Limit: 1})
	if err != nil || len(reported.Items) == 0 {
		t.Fatalf("demo cases: %+v, %v", reported, err)
	}
	closed := reported.Items[0].ID
	if _, err := f.cases.Act(ctx, mp, m, closed, cases.ActionRequest{Action: cases.ActResolve, Resolution: "Handled."}); err != nil {
		t.Fatal(err)
	}
	// An account known only from a report on it.
	f.report(t, mp, "account", "a11y-reported", "harassment", "a11y-reporter", "")
	return mp, map[string]string{"accounts": a.AccountID, "listings": k.TargetID, "cases": k.ID, "appeals": a.ID,
		"decisions": held.DecisionID, "closed": closed, "reported": "a11y-reported"}
}

// holdListing checks a listing of account's with a payment scam in it,
// as mp's backend would, which holds it for a person: it returns the
// decision and the case it opened.
func (f *fixture) holdListing(t *testing.T, mp, listingID, account string) (check.Decided, store.Case) {
	t.Helper()
	data, err := json.Marshal(map[string]any{"listing_id": listingID, "account_id": account, "title": "Camera",
		"description": "Pay by Western Union, I ship the camera after.", "price": map[string]any{"amount": 9000, "currency": "EUR"}, "category": "furniture"})
	if err != nil {
		t.Fatal(err)
	}
	held, err := f.checks(spotPhones).Listing(t.Context(), mp, audit.Actor{Type: audit.ActorAPIKey, ID: "k"}, data, "")
	if err != nil || held.Outcome != "pending_review" {
		t.Fatalf("held listing: %+v, %v", held, err)
	}
	k, err := f.db.OpenCaseFor(t.Context(), mp, "listing", listingID)
	if err != nil {
		t.Fatalf("the held listing opened no case: %v", err)
	}
	return held, k
}

// element is a start tag of a page: its name and attributes, whether a
// label encloses it, and its text (the accessible name of a link,
// button or label, with the alt text of images inside).
type element struct {
	name    string
	attr    map[string]string
	inLabel bool
	text    strings.Builder
}

// parsePage reads an HTML page into its elements in document order.
// encoding/xml in its lenient mode reads the console's HTML: it knows
// HTML's entities and void elements, and takes attributes without
// values.
func parsePage(page string) ([]*element, error) {
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict, d.AutoClose, d.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	var all, open []*element
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return all, nil
		}
		if err != nil {
			return nil, err
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			e := &element{name: strings.ToLower(tk.Name.Local), attr: map[string]string{}}
			for _, a := range tk.Attr {
				name := a.Name.Local
				if a.Name.Space != "" {
					name = a.Name.Space + ":" + name
				}
				e.attr[strings.ToLower(name)] = a.Value
			}
			e.inLabel = slices.ContainsFunc(open, func(o *element) bool { return o.name == "label" })
			if e.name == "img" {
				for _, o := range open {
					o.text.WriteString(e.attr["alt"])
				}
			}
			all, open = append(all, e), append(open, e)
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			for _, o := range open {
				o.text.Write(tk)
			}
		}
	}
}

// checkAccessible returns what keeps a console page from being usable
// with a keyboard and a screen reader: a form control with no label,
// a link or button with no name, a duplicate id or a reference to a
// missing one, not exactly one main landmark and one h1, a heading that
// skips a level or comes before the h1, an image without alt text, a
// table header without scope, navigation landmarks not told apart by
// their labels, a positive tabindex (which breaks the focus order), no
// language, or a first focusable element other than the skip link to
// the main element.
func checkAccessible(page string) []string {
	els, err := parsePage(page)
	if err != nil {
		return []string{"does not parse: " + err.Error()}
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	ids, labelled := map[string]int{}, map[string]bool{}
	count := map[string]int{}
	for _, e := range els {
		if id, ok := e.attr["id"]; ok {
			ids[id]++
		}
		if e.name == "label" {
			labelled[e.attr["for"]] = true
		}
		count[e.name]++
	}
	for id, n := range ids {
		if n > 1 {
			bad("id %q is used %d times", id, n)
		}
	}
	refersToIDs := func(e *element, attr string) bool {
		v, ok := e.attr[attr]
		if !ok {
			return false
		}
		for _, id := range strings.Fields(v) {
			if ids[id] == 0 {
				bad("<%s %s=%q> names no element", e.name, attr, v)
			}
		}
		return strings.TrimSpace(v) != ""
	}
	named := func(e *element) bool {
		return strings.TrimSpace(e.text.String()) != "" || strings.TrimSpace(e.attr["aria-label"]) != "" || refersToIDs(e, "aria-labelledby")
	}
	if count["main"] != 1 {
		bad("%d main elements, want 1", count["main"])
	}
	if count["h1"] != 1 {
		bad("%d h1 headings, want 1", count["h1"])
	}
	level, focusable := 0, 0
	navs := map[string]bool{}
	for _, e := range els {
		refersToIDs(e, "aria-describedby")
		if for_, ok := e.attr["for"]; ok && e.name == "label" && ids[for_] == 0 {
			bad("<label for=%q> labels no element", for_)
		}
		if ti, err := strconv.Atoi(e.attr["tabindex"]); err == nil && ti > 0 {
			bad("<%s id=%q> has tabindex %d, which takes it out of the page's focus order", e.name, e.attr["id"], ti)
		}
		switch e.name {
		case "html":
			if e.attr["lang"] == "" {
				bad("<html> has no lang")
			}
		case "h1", "h2", "h3", "h4", "h5", "h6":
			n := int(e.name[1] - '0')
			switch {
			case level == 0 && n != 1:
				bad("the first heading is <%s> %q, before the h1", e.name, strings.TrimSpace(e.text.String()))
			case n > level+1:
				bad("<%s> %q follows an h%d: a level is skipped", e.name, strings.TrimSpace(e.text.String()), level)
			}
			level = n
		case "input", "select", "textarea":
			if e.name == "input" && slices.Contains([]string{"hidden", "submit", "button", "reset", "image"}, e.attr["type"]) {
				break
			}
			hasLabel := e.inLabel || e.attr["id"] != "" && labelled[e.attr["id"]]
			if !hasLabel && strings.TrimSpace(e.attr["aria-label"]) == "" && !refersToIDs(e, "aria-labelledby") {
				bad("<%s name=%q id=%q> has no label", e.name, e.attr["name"], e.attr["id"])
			}
		case "a", "button":
			if !named(e) {
				bad("<%s href=%q> has no accessible name", e.name, e.attr["href"])
			}
		case "label":
			if strings.TrimSpace(e.text.String()) == "" {
				bad("<label for=%q> is empty", e.attr["for"])
			}
		case "img":
			if _, ok := e.attr["alt"]; !ok {
				bad("<img src=%q> has no alt", e.attr["src"])
			}
		case "nav":
			label := strings.TrimSpace(e.attr["aria-label"] + " " + e.attr["aria-labelledby"])
			switch {
			case label == "":
				bad("<nav> has no label to tell it from the other navigation landmarks")
			case navs[label]:
				bad("two <nav> landmarks are both labelled %q", label)
			}
			navs[label] = true
		case "svg":
			if e.attr["role"] == "img" && !named(e) {
				bad("<svg role=img> has no accessible name")
			}
		case "th":
			if !slices.Contains([]string{"col", "row", "colgroup", "rowgroup"}, e.attr["scope"]) {
				bad("<th> %q has no scope", strings.TrimSpace(e.text.String()))
			}
		}
		if isFocusable(e) {
			if focusable == 0 && (e.name != "a" || e.attr["href"] != "#main") {
				bad("the first focusable element is <%s> %q, not the skip link to #main", e.name, strings.TrimSpace(e.text.String()))
			}
			focusable++
		}
	}
	if ids["main"] == 0 {
		bad("no element with id main, the skip link's target")
	}
	return problems
}

// isFocusable reports whether the keyboard reaches e.
func isFocusable(e *element) bool {
	switch e.name {
	case "a":
		_, ok := e.attr["href"]
		return ok
	case "button", "select", "textarea", "summary":
		return true
	case "input":
		return e.attr["type"] != "hidden"
	}
	return false
}

// TestContrast reads the console's stylesheet and checks that its text
// colours meet WCAG AA's 4.5:1 with the backgrounds they are drawn on:
// a rule's colour with its own background, and a colour set without one
// with every background of the opposite lightness the stylesheet paints
// (dark text on every light surface, light text on every dark one),
// since it may be drawn on any of them. Colours are the palette's custom
// properties or literals; a translucent background (a veil over a
// picture) is taken over white and over black, whichever is worse.
func TestContrast(t *testing.T) {
	css, err := embedded.ReadFile("static/console.css")
	if err != nil {
		t.Fatal(err)
	}
	rules := cssRules(string(css))
	palette := map[string]string{}
	for _, r := range rules {
		if r.selector == ":root" {
			for k, v := range r.decls {
				if strings.HasPrefix(k, "--") {
					palette[k] = v
				}
			}
		}
	}
	if len(palette) < 20 {
		t.Fatalf("only %d custom properties in :root", len(palette))
	}
	resolve := func(v string) []rgb {
		if m := cssVar.FindStringSubmatch(v); m != nil {
			v = palette[m[1]]
		}
		return parseColour(v)
	}
	type text struct {
		selector string
		colour   rgb
	}
	var loose []text
	light, dark := map[rgb]bool{}, map[rgb]bool{}
	checked := 0
	for _, r := range rules {
		bgDecl := r.decls["background-color"]
		if bgDecl == "" {
			bgDecl = r.decls["background"]
		}
		bgs := resolve(bgDecl)
		// A veil (two colours: over white and over black) is a surface
		// only for its own rule's text.
		if len(bgs) == 1 {
			if bgs[0].luminance() > 0.5 {
				light[bgs[0]] = true
			} else {
				dark[bgs[0]] = true
			}
		}
		fg := resolve(r.decls["color"])
		switch {
		case len(fg) != 1:
			continue
		case len(bgs) == 0: // none, transparent or inherited
			loose = append(loose, text{r.selector, fg[0]})
			continue
		}
		for _, bg := range bgs {
			checked++
			if cr := contrast(fg[0], bg); cr < 4.5 {
				t.Errorf("%s: text %s on %s has contrast %.2f:1, want at least 4.5:1", r.selector, fg[0], bg, cr)
			}
		}
	}
	for _, x := range loose {
		on := light
		if x.colour.luminance() > 0.5 {
			on = dark
		}
		for bg := range on {
			checked++
			if cr := contrast(x.colour, bg); cr < 4.5 {
				t.Errorf("%s: text %s may be drawn on %s, with contrast %.2f:1, want at least 4.5:1", x.selector, x.colour, bg, cr)
			}
		}
	}
	if checked < 100 || len(light) < 5 || len(dark) < 3 {
		t.Fatalf("only %d pairs checked (%d light and %d dark backgrounds): the stylesheet was not read", checked, len(light), len(dark))
	}
}

// TestFocusStaysVisible checks that the stylesheet draws a focus ring
// and takes it away only where something else shows the focus.
func TestFocusStaysVisible(t *testing.T) {
	css, err := embedded.ReadFile("static/console.css")
	if err != nil {
		t.Fatal(err)
	}
	// The rules that may hide the outline, and what shows the focus
	// instead.
	allowed := map[string]string{
		"main:focus":       "the main element takes the focus only from the skip link and after htmx swaps it in, to move the reading position",
		".editor textarea": ".editor:focus-within draws the ring around the whole editor",
	}
	ring := false
	for _, r := range cssRules(string(css)) {
		o := r.decls["outline"]
		if strings.Contains(r.selector, ":focus-visible") && strings.Contains(o, "solid") {
			ring = true
		}
		if (o == "none" || o == "0") && allowed[r.selector] == "" {
			t.Errorf("%s hides the focus outline", r.selector)
		}
	}
	if !ring {
		t.Error("no :focus-visible rule draws an outline")
	}
}

// cssRule is a style rule: its selector and declarations.
type cssRule struct {
	selector string
	decls    map[string]string
}

var (
	cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	cssVar     = regexp.MustCompile(`^var\((--[\w-]+)\)$`)
	hexColour  = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)
	rgbaColour = regexp.MustCompile(`^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)\s*(?:[,/]\s*([\d.]+)\s*)?\)$`)
)

// cssRules reads a stylesheet's rules, those inside @media blocks too.
func cssRules(css string) []cssRule {
	var out []cssRule
	for _, chunk := range strings.Split(cssComment.ReplaceAllString(css, ""), "}") {
		i := strings.LastIndex(chunk, "{")
		if i < 0 {
			continue
		}
		sel := chunk[:i]
		sel = strings.TrimSpace(sel[strings.LastIndex(sel, "{")+1:])
		r := cssRule{selector: sel, decls: map[string]string{}}
		for _, d := range strings.Split(chunk[i+1:], ";") {
			if k, v, ok := strings.Cut(d, ":"); ok {
				r.decls[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		out = append(out, r)
	}
	return out
}

// rgb is an opaque colour, its channels from 0 to 255.
type rgb [3]float64

func (c rgb) String() string { return fmt.Sprintf("#%02x%02x%02x", int(c[0]), int(c[1]), int(c[2])) }

// luminance is the colour's relative luminance (WCAG 2).
func (c rgb) luminance() float64 {
	var l [3]float64
	for i, v := range c {
		v /= 255
		if v <= 0.04045 {
			l[i] = v / 12.92
		} else {
			l[i] = math.Pow((v+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}

// contrast is the contrast ratio of two colours (WCAG 2).
func contrast(a, b rgb) float64 {
	la, lb := a.luminance(), b.luminance()
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// parseColour reads a colour value, the first word of a declaration: a
// hex colour is itself; a translucent one is what it makes over white
// and over black; anything else (none, transparent, inherit) is nothing.
func parseColour(v string) []rgb {
	if f := strings.Fields(v); len(f) > 0 && !strings.HasPrefix(v, "rgb") {
		v = f[0]
	}
	if m := hexColour.FindStringSubmatch(v); m != nil {
		h := m[1]
		if len(h) == 3 {
			h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
		}
		n, _ := strconv.ParseUint(h, 16, 32)
		return []rgb{{float64(n >> 16), float64(n >> 8 & 0xff), float64(n & 0xff)}}
	}
	m := rgbaColour.FindStringSubmatch(v)
	if m == nil {
		return nil
	}
	var c rgb
	for i := range c {
		c[i], _ = strconv.ParseFloat(m[i+1], 64)
	}
	alpha := 1.0
	if m[4] != "" {
		alpha, _ = strconv.ParseFloat(m[4], 64)
	}
	var over []rgb
	for _, back := range []float64{255, 0} {
		var o rgb
		for i := range c {
			o[i] = math.Round(alpha*c[i] + (1-alpha)*back)
		}
		over = append(over, o)
	}
	return over
}

// TestCheckAccessible shows that checkAccessible finds each problem it
// looks for in a page that otherwise passes.
func TestCheckAccessible(t *testing.T) {
	page := func(body string) string {
		return `<!doctype html><html lang="en"><body><a class="skip" href="#main">Skip</a><main id="main"><h1>Title</h1>` + body + `</main></body></html>`
	}
	if got := checkAccessible(page(`<h2>Part</h2><label for="q">Query</label><input id="q" name="q"><label>Note <textarea name="n"></textarea></label>
		<input type="hidden" name="csrf"><select aria-label="Sort" name="s"></select><button type="submit"><span class="visually-hidden">Go</span></button>
		<a href="/x"><img src="/i.png" alt="Logo"></a><table><tr><th scope="col">A</th></tr></table><svg role="img" aria-label="Chart"></svg>`)); len(got) > 0 {
		t.Fatalf("a good page: %v", got)
	}
	for _, c := range []struct{ name, body, want string }{
		{"an unlabelled input", `<input id="q" name="q">`, "has no label"},
		{"a label for another id", `<label for="x">Q</label><input id="q" name="q"><span id="x"></span>`, "has no label"},
		{"a missing id", `<input name="q" aria-describedby="help" aria-label="Q">`, "names no element"},
		{"a duplicate id", `<p id="a"></p><p id="a"></p>`, `id "a" is used 2 times`},
		{"a second h1", `<h1>Again</h1>`, "2 h1 headings"},
		{"a skipped level", `<h3>Deep</h3>`, "a level is skipped"},
		{"an empty button", `<button type="button"></button>`, "has no accessible name"},
		{"an image without alt", `<img src="/i.png">`, "has no alt"},
		{"a header without scope", `<table><tr><th>A</th></tr></table>`, "has no scope"},
		{"a positive tabindex", `<a href="/x" tabindex="2">X</a>`, "tabindex 2"},
		{"an unnamed chart", `<svg role="img"></svg>`, "<svg role=img> has no accessible name"},
		{"an unlabelled nav", `<nav><a href="/">Home</a></nav>`, "<nav> has no label"},
		{"two navs alike", `<nav aria-label="Pages"></nav><nav aria-label="Pages"></nav>`, "both labelled"},
	} {
		got := checkAccessible(page(c.body))
		if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, c.want) }) {
			t.Errorf("%s: %v, want %q", c.name, got, c.want)
		}
	}
	for _, c := range []struct{ name, page, want string }{
		{"no main", `<html lang="en"><body><a href="#main">Skip</a><h1>T</h1></body></html>`, "0 main elements"},
		{"no skip link", `<html lang="en"><body><a href="/">Home</a><main id="main"><h1>T</h1></main></body></html>`, "not the skip link"},
		{"no language", `<html><body><a href="#main">Skip</a><main id="main"><h1>T</h1></main></body></html>`, "no lang"},
		{"a heading before the h1", `<html lang="en"><body><a href="#main">Skip</a><h2>Alerts</h2><main id="main"><h1>T</h1></main></body></html>`, "before the h1"},
	} {
		got := checkAccessible(c.page)
		if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, c.want) }) {
			t.Errorf("%s: %v, want %q", c.name, got, c.want)
		}
	}
}
