package console

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/user"
)

// trailRow matches an entry of an audit table: its actor and action.
func trailRow(actor, action string) *regexp.Regexp {
	return regexp.MustCompile(`<td>` + regexp.QuoteMeta(actor) + `</td>\s*<td><code>` + regexp.QuoteMeta(action) + `</code></td>`)
}

// wantRows fails the test unless the page lists an entry of each action
// by actor, as pairs.
func (r response) wantRows(t *testing.T, actorAction ...string) response {
	t.Helper()
	for i := 0; i+1 < len(actorAction); i += 2 {
		if !trailRow(actorAction[i], actorAction[i+1]).MatchString(r.body) {
			t.Errorf("%s: no %s entry by %s\n%s", r.Request.URL, actorAction[i+1], actorAction[i], r.body)
		}
	}
	return r
}

// TestItemPages works a listing's case through to a complaint about it
// and follows the item pages' links and audit trails: each page shows the
// newest entries of its trail with the moderators named and the details
// cut short, and links to the audit page filtered to it, which shows the
// same entries whole, a page at a time, and nothing of other items or
// other marketplaces. The account, listing, case, appeal and decision
// pages link to each other.
func TestItemPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	mp := f.mp.Marketplace.ID
	f.seedListings(t, mp, "seller1", "l1", "A sturdy city bike with new tyres", "l2", "Kids bike, 12 inch, red")
	agent := f.loggedIn(t, "agent", user.Agent, mp)
	senior := f.loggedIn(t, "senior", user.SeniorModerator, mp)
	rev := f.loggedIn(t, "rev", user.AppealsReviewer, mp)

	// The case on l1, worked from its page.
	filed := f.report(t, mp, "listing", "l1", "counterfeit_or_illegal", "rep-1", "Looks fake.")
	other := f.report(t, mp, "listing", "l2", "wrong_price", "rep-2", "")
	casePage := caseURL(filed.CaseID)
	note := strings.Repeat("The frame number is filed off. ", 8)
	for _, form := range []url.Values{{"action": {"claim"}}, {"action": {"note"}, "note": {note}},
		{"action": {"remove_content"}, "template": {"content_removed"}}} {
		if r := agent.post(casePage+"/actions", form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", form.Get("action"), r.StatusCode, r.body)
		}
	}
	caseTrailURL := "/console/audit?subject_id=" + filed.CaseID + "&subject_type=case"
	page := agent.get(casePage).want(t, http.StatusOK, `<h2 id="audit-trail-title">Audit trail</h2>`, `href="`+caseTrailURL+`">Full audit trail`,
		`listing <a href="/console/listings/l1"><code>l1</code></a><span class="by">by <a href="/console/accounts/seller1">`).
		wantRows(t, "agent", "case.claim", "agent", "case.note", "agent", "case.remove_content", "agent", "statement.issued", "System (test)", "report.filed")
	// The note is cut short in the trail (its history shows it whole).
	var cut bool
	for _, m := range regexp.MustCompile(`<code class="detail">([^<]*)</code>`).FindAllStringSubmatch(page.body, -1) {
		if d := html.UnescapeString(m[1]); strings.Contains(d, "frame number") {
			cut = strings.HasSuffix(d, "…") && utf8.RuneCountInString(d) == briefDetail+1
		}
	}
	if !cut {
		t.Errorf("the note's detail is not cut short in the case's trail:\n%s", page.body)
	}
	agent.get(caseTrailURL).want(t, http.StatusOK, `id="audit-of">The audit trail of case <a href="`+casePage+`"><code>`+filed.CaseID, strings.TrimSpace(note)).
		wantRows(t, "agent", "case.note", "agent", "statement.issued", "System (test)", "report.filed").
		lacks(t, other.CaseID)

	// The listing links to its seller and its cases; its trail has the
	// statement of reasons its removal issued.
	agent.get(listingURL("l1")).want(t, http.StatusOK, `by <a href="/console/accounts/seller1"><code>seller1</code></a>`,
		`<h2 id="cases-title">Cases</h2>`, `<a href="`+casePage+`">Safety<span class="visually-hidden"> case `+filed.CaseID, `href="/console/audit?subject_id=l1&subject_type=listing"`).
		wantRows(t, "agent", "statement.issued").lacks(t, other.CaseID)

	// The account lists its listings and its cases, open and closed,
	// and its trail has the senior moderator's decision.
	senior.post(accountURL("seller1", "tier"), url.Values{"tier": {"restricted"}, "template": {"counterfeit"}}).
		redirectsTo(t, accountURL("seller1")+"?done=tier-changed&mp="+mp)
	acc := agent.get(accountURL("seller1")).want(t, http.StatusOK, `<a href="/console/listings/l1">Listing l1</a>`, `<a href="/console/listings/l2">Listing l2</a>`,
		`href="/console/audit?subject_id=seller1&subject_type=account"`).wantRows(t, "senior", "enforcement.tier")
	openAt, closedAt := strings.Index(acc.body, `id="open-cases-title"`), strings.Index(acc.body, `id="closed-cases-title"`)
	if o, c := strings.Index(acc.body, caseURL(other.CaseID)), strings.Index(acc.body, casePage); !(openAt < o && o < closedAt && closedAt < c) {
		t.Errorf("the account's open case is not listed as open and its closed one as closed:\n%s", acc.body)
	}

	// A complaint about the case: the case links to it, it to the case and
	// the listing; its trail has its own entries, not another appeal's.
	req := plan("seller1")
	req.Decision = &appeal.Ref{Type: appeal.SubjectCase, ID: filed.CaseID}
	complaint := f.file(t, mp, req)
	tierAppeal := f.file(t, mp, plan("seller1"))
	appealPage := appealURL(complaint.ID)
	agent.get(casePage).want(t, http.StatusOK, `<a href="`+appealPage+`">Complaint <code>`+complaint.ID+`</code></a>`)
	rev.post(appealPage+"/decision", url.Values{"outcome": {"reverse"}, "reply": {"The seller sent the receipt from the brand's shop."}}).
		redirectsTo(t, appealPage+"?done=appeal-decided&mp="+mp)
	rev.get(appealPage).want(t, http.StatusOK, `<a href="`+casePage+`">`, `The listing: <a href="/console/listings/l1">`,
		`href="/console/audit?subject_id=`+complaint.ID+`&subject_type=appeal"`).
		wantRows(t, "rev", "appeal.decided", "api_key k", "appeal.filed").lacks(t, tierAppeal.ID)
	rev.get("/console/audit?subject_type=appeal&subject_id="+complaint.ID).want(t, http.StatusOK, complaint.ID).
		wantRows(t, "rev", "appeal.decided").lacks(t, tierAppeal.ID)

	// A held listing's decision links to its listing, account and case;
	// its trail has the check and the hold.
	held, heldCase := f.holdListing(t, mp, "l3", "seller2")
	agent.get(consoleURL("decisions", held.DecisionID)).want(t, http.StatusOK, `listing <a href="/console/listings/l3"><code>l3</code></a> by account <a href="/console/accounts/seller2">`,
		`id="decision-case">It held the listing for a person: <a href="`+caseURL(heldCase.ID)+`">`).
		wantRows(t, "api_key k", "listing.checked", "System (detector)", "case.held")

	// A trail is the marketplace's: another marketplace's moderator finds
	// neither the case nor its entries.
	outsider := f.loggedIn(t, "outsider", user.Agent, f.other.Marketplace.ID)
	outsider.get(caseTrailURL).want(t, http.StatusNotFound)
	outsider.get("/console/audit?subject_type=account&subject_id=seller1").want(t, http.StatusOK, "No entries yet.")

	// A long trail, a page at a time: the newest page links to the older
	// one, which links back to the newest.
	agentUser, err := f.db.UserByName(ctx, "agent")
	if err != nil {
		t.Fatal(err)
	}
	m := cases.Moderator{User: agentUser, Via: audit.Actor{Type: audit.ActorUser, ID: agentUser.ID}}
	for range auditPageSize + 5 {
		if _, err := f.cases.Act(ctx, mp, m, other.CaseID, cases.ActionRequest{Action: cases.ActNote, Note: "Checked again."}); err != nil {
			t.Fatal(err)
		}
	}
	seqCell := regexp.MustCompile(`<td class="num">\d+</td>`)
	first := agent.get("/console/audit?subject_type=case&subject_id="+other.CaseID).want(t, http.StatusOK, "Older →").lacks(t, "« Newest", "report.filed")
	if n := len(seqCell.FindAllString(first.body, -1)); n != auditPageSize {
		t.Errorf("the newest page lists %d entries, want %d", n, auditPageSize)
	}
	older := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(first.body)
	if older == nil {
		t.Fatal("no link to the older page")
	}
	last := agent.get(html.UnescapeString(older[1])).want(t, http.StatusOK, "« Newest", "report.filed").lacks(t, "Older →")
	if n := len(seqCell.FindAllString(last.body, -1)); n != 6 {
		t.Errorf("the older page lists %d entries, want 6", n)
	}
}
