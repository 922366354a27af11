package console

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/user"
)

// caseLinks finds a case page's links to the queue and to the previous
// and next cases, unescaped; "" for a link the page does not have.
var (
	queueLink = regexp.MustCompile(`<a href="([^"]+)" id="back-to-queue" aria-keyshortcuts="Escape">`)
	prevLink  = regexp.MustCompile(`<a href="([^"]+)" hx-get="([^"]+)" rel="prev" aria-keyshortcuts="k">`)
	nextLink  = regexp.MustCompile(`<a href="([^"]+)" hx-get="([^"]+)" rel="next" aria-keyshortcuts="j">`)
)

func caseLinks(t *testing.T, r response) (queue, prev, next string) {
	t.Helper()
	find := func(re *regexp.Regexp) string {
		m := re.FindStringSubmatch(r.body)
		if m == nil {
			return ""
		}
		if len(m) > 2 && m[1] != m[2] {
			t.Errorf("%s: the link goes to %s, htmx to %s", r.Request.URL, m[1], m[2])
		}
		return html.UnescapeString(m[1])
	}
	return find(queueLink), find(prevLink), find(nextLink)
}

// workedFrom is the page of case id worked from the queue with filters
// (a query string, "" for the queue as it opens) in marketplace mp, as
// the queue's and the case pages' links must name it.
func workedFrom(id, filters, mp string) string {
	q := url.Values{"mp": {mp}}
	if filters != "" {
		f, _ := url.ParseQuery(filters)
		q.Set("from", f.Encode())
	}
	return "/console/cases/" + id + "?" + q.Encode()
}

// TestCaseNeighbours steps through the queue from case to case as the
// keys j and k do: each case's page links to the cases before and after it
// in the queue it was opened from, with that queue's filters and order,
// and back to that queue; closing a case goes on to the next one.
func TestCaseNeighbours(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixtureOn(t, db)
		mp := f.mp.Marketplace.ID
		f.report(t, mp, "listing", "lst-1", "scam_or_fraud", "rep-1", "")
		f.report(t, mp, "listing", "lst-1", "scam_or_fraud", "rep-2", "")
		f.report(t, mp, "listing", "lst-2", "wrong_price", "rep-3", "")
		f.report(t, mp, "account", "acc-1", "harassment", "rep-4", "")
		f.report(t, mp, "listing", "lst-3", "spam_or_misleading", "rep-5", "")
		f.report(t, mp, "message", "msg-1", "offensive_content", "rep-6", "")
		agent := f.loggedIn(t, "agent", user.Agent, mp)

		for _, filters := range []string{"", "target=listing", "sort=age", "target=listing&sort=age&status=open"} {
			queue := agent.get("/console/cases?"+filters).want(t, http.StatusOK)
			ids := listed(t, queue)
			if len(ids) < 3 {
				t.Fatalf("?%s lists %v", filters, ids)
			}
			for i, id := range ids {
				at := workedFrom(id, filters, mp)
				if !strings.Contains(html.UnescapeString(queue.body), `<a class="case-link" href="`+at+`">`) {
					t.Errorf("?%s: the queue's link to %s is not %s", filters, id, at)
				}
				back, prev, next := caseLinks(t, agent.get(at).want(t, http.StatusOK))
				wantPrev, wantNext := "", ""
				if i > 0 {
					wantPrev = workedFrom(ids[i-1], filters, mp)
				}
				if i+1 < len(ids) {
					wantNext = workedFrom(ids[i+1], filters, mp)
				}
				if prev != wantPrev || next != wantNext {
					t.Errorf("?%s: case %s (#%d of %v) links to %q and %q, want %q and %q", filters, id, i, ids, prev, next, wantPrev, wantNext)
				}
				q, _ := url.ParseQuery(filters)
				q.Set("mp", mp)
				if wantBack := "/console/cases?" + q.Encode(); back != wantBack {
					t.Errorf("?%s: case %s goes back to %q, want %q", filters, id, back, wantBack)
				}
			}
		}
		// Opened from elsewhere (a search, the dashboard), a case is in the
		// queue as it opens; a filter the queue refuses leaves it with no
		// neighbours but still a way back.
		ids := listed(t, agent.get("/console/cases"))
		if _, prev, next := caseLinks(t, agent.get("/console/cases/"+ids[1]).want(t, http.StatusOK)); prev != workedFrom(ids[0], "", mp) || next != workedFrom(ids[2], "", mp) {
			t.Errorf("case %s without a queue links to %q and %q", ids[1], prev, next)
		}
		bad := agent.get("/console/cases/"+ids[1]+"?from="+url.QueryEscape("status=bogus")).want(t, http.StatusOK, "First in the queue", "Last in the queue")
		if back, _, _ := caseLinks(t, bad); back != "/console/cases?mp="+mp+"&status=bogus" {
			t.Errorf("back from a refused queue: %q", back)
		}

		// Claiming keeps the queue; closing goes on to the next case in it.
		listings := listed(t, agent.get("/console/cases?target=listing"))
		from := url.Values{"from": {"target=listing"}, "mp": {mp}}.Encode()
		agent.post("/console/cases/"+listings[0]+"/actions?"+from, url.Values{"action": {"claim"}}).
			redirectsTo(t, "/console/cases/"+listings[0]+"?done=case-claim&"+from)
		agent.post("/console/cases/"+listings[0]+"/actions?"+from, url.Values{"action": {"dismiss"}, "template": {"no_violation"}}).
			redirectsTo(t, "/console/cases/"+listings[1]+"?done=case-closed&"+from)
		landed := agent.get("/console/cases/"+listings[1]+"?done=case-closed&"+from).want(t, http.StatusOK, "The case was closed")
		if _, prev, _ := caseLinks(t, landed); prev != "" {
			t.Errorf("after closing the first case the next one links back to %q", prev)
		}
		// The closed case keeps its place: its page still steps on.
		if _, _, next := caseLinks(t, agent.get(workedFrom(listings[0], "target=listing", mp))); next != workedFrom(listings[1], "target=listing", mp) {
			t.Errorf("the closed case's next is %q", next)
		}
		// Closing the last case of the queue stays on it.
		last := listings[len(listings)-1]
		agent.post("/console/cases/"+last+"/actions?"+from, url.Values{"action": {"resolve"}, "resolution": {"Handled."}}).
			redirectsTo(t, "/console/cases/"+last+"?done=case-closed&"+from)
		// A refused close stays on the case, the queue kept in its forms.
		agent.post("/console/cases/"+listings[1]+"/actions?"+from, url.Values{"action": {"dismiss"}, "template": {"content_removed"}}).
			want(t, http.StatusUnprocessableEntity, "Not saved.", `hx-post="/console/cases/`+listings[1]+`/actions?`+from+`"`)
	})
}

// TestCaseFragment checks what htmx gets: the title and the main element
// alone, with the address the browser is to show, for a swap; the whole
// page for a normal load and for restoring a page of the history.
func TestCaseFragment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	first := f.report(t, mp, "listing", "lst-1", "scam_or_fraud", "rep-1", "").CaseID
	second := f.report(t, mp, "listing", "lst-2", "wrong_price", "rep-2", "").CaseID
	agent := f.loggedIn(t, "agent", user.Agent, mp)
	from := workedFrom(first, "target=listing", mp)
	at := workedFrom(second, "target=listing", mp)
	whole := []string{"<!doctype html>", `<nav class="side"`, `<footer class="foot">`, `<link rel="stylesheet"`}

	full := agent.get(at).want(t, http.StatusOK, append(whole, "<title>Case "+second+" · Vigil</title>", `<main id="main"`)...)
	if v := full.Header.Get("Vary"); !strings.Contains(v, "HX-Request") {
		t.Errorf("Vary = %q", v)
	}
	if h := full.Header.Get("HX-Push-Url"); h != "" {
		t.Errorf("a normal load says HX-Push-Url %q", h)
	}

	// The next case, swapped in: a new history entry.
	hx := http.Header{"Hx-Request": {"true"}, "Hx-Current-Url": {f.srv.URL + from}}
	swap := agent.do(http.MethodGet, at, nil, hx).want(t, http.StatusOK, `<main id="main"`, "Cost case on listing", `rel="prev"`)
	swap.lacks(t, whole...)
	if !strings.HasPrefix(swap.body, "<title>Case "+second+" · Vigil</title>") || !strings.HasSuffix(strings.TrimSpace(swap.body), "</main>") {
		t.Errorf("the fragment is not the title and the main element:\n%s", swap.body)
	}
	if h := swap.Header.Get("HX-Push-Url"); h != at {
		t.Errorf("HX-Push-Url = %q, want %q", h, at)
	}
	// The same case again, after a claim: the entry is replaced, and its
	// address leaves the confirmation out.
	hx.Set("Hx-Current-Url", f.srv.URL+at)
	again := agent.do(http.MethodGet, at+"&done=case-claim", nil, hx).want(t, http.StatusOK, "You claimed the case")
	if p, r := again.Header.Get("HX-Push-Url"), again.Header.Get("HX-Replace-Url"); p != "" || r != at {
		t.Errorf("after a claim HX-Push-Url = %q and HX-Replace-Url = %q, want only the latter, %q", p, r, at)
	}
	// Back, when htmx has no copy of the page: the whole page.
	hx.Set("Hx-History-Restore-Request", "true")
	restore := agent.do(http.MethodGet, at, nil, hx).want(t, http.StatusOK, whole...)
	if h := restore.Header.Get("HX-Push-Url"); h != "" {
		t.Errorf("a history restore says HX-Push-Url %q", h)
	}

	// htmx posts (with the token in the header) end in the fragment too,
	// refusals included.
	hdr := http.Header{"Hx-Request": {"true"}, "X-Csrf-Token": {agent.csrf}}
	refused := agent.do(http.MethodPost, "/console/cases/"+second+"/actions", url.Values{"action": {"escalate"}, "note": {" "}}, hdr).
		want(t, http.StatusUnprocessableEntity, `<main id="main"`, "Say why the case is escalated.")
	refused.lacks(t, whole...)
	if h := refused.Header.Get("HX-Push-Url") + refused.Header.Get("HX-Replace-Url"); h != "" {
		t.Errorf("a refused post changes the address to %q", h)
	}
	// Other pages answer htmx the same way.
	agent.do(http.MethodGet, "/console/cases", nil, http.Header{"Hx-Request": {"true"}}).want(t, http.StatusOK, `<main id="main"`).lacks(t, whole...)
}

// TestCaseKeys checks the shortcuts a case's page shows, by role: the
// hint line, the controls' aria-keyshortcuts, the numbered templates and
// the help dialog.
func TestCaseKeys(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	id := f.report(t, mp, "listing", "lst-1", "scam_or_fraud", "rep-1", "").CaseID
	agent := f.loggedIn(t, "agent", user.Agent, mp)
	page := agent.get("/console/cases/"+id).want(t, http.StatusOK, "queue.js", `data-case-page="`+id+`"`, `hx-history="false"`,
		// the hint line and the dialog it opens
		`<kbd>c</kbd> claim`, `<kbd>t</kbd> templates`, `<kbd>r</kbd> close the case (then <kbd>Enter</kbd>)`, `<kbd>Esc</kbd> back to the queue`,
		`data-keys-help aria-haspopup="dialog" aria-keyshortcuts="Shift+?"`, `<dialog class="keys-dialog" id="keys-help"`, "Nothing closes a case with one key",
		// the controls the keys act on
		`id="claim" aria-keyshortcuts="c"`, `id="content-title" tabindex="-1" aria-keyshortcuts="e"`, `id="case-title" tabindex="-1"`,
		`aria-describedby="remove_content-preview" aria-keyshortcuts="r"`, `<p class="preview" id="remove_content-preview" aria-live="polite" hidden></p>`,
		// the templates, numbered in the order of their forms
		`data-action="dismiss" data-template="no_violation" data-key="1" aria-keyshortcuts="1"`,
		`data-action="dismiss" data-template="unfounded" data-key="2"`, `data-action="warn" data-template="warned" data-key="3"`,
		`data-action="remove_content" data-template="content_removed" data-key="4"`, `data-action="pause_listing" data-template="listing_paused" data-key="5"`)
	if n := strings.Count(page.body, `class="pick"`); n != 6 {
		t.Errorf("%d templates offered, want the 6 of a listing's closing actions", n)
	}
	// Every action form posts through htmx, to the address it posts to
	// without it.
	forms := regexp.MustCompile(`<form method="post" action="([^"]+)"( hx-post="([^"]+)")?`).FindAllStringSubmatch(page.body, -1)
	n := 0
	for _, m := range forms {
		if strings.Contains(m[1], "/actions") {
			n++
			if m[3] != m[1] {
				t.Errorf("form to %s posts through htmx to %q", m[1], m[3])
			}
		}
	}
	if n < 8 {
		t.Errorf("%d action forms", n)
	}

	// An appeals reviewer reads the case and steps through the queue, but
	// has nothing to claim, choose or close.
	reviewer := f.loggedIn(t, "reviewer", user.AppealsReviewer, mp)
	reviewer.get("/console/cases/"+id).want(t, http.StatusOK, `<kbd>j</kbd> / <kbd>k</kbd> next / previous case`, `<kbd>e</kbd> evidence`, `id="keys-help"`).
		lacks(t, `<kbd>c</kbd> claim`, `<kbd>t</kbd> templates`, `<kbd>r</kbd> close`, `id="template-picker"`, `id="claim"`)
}
