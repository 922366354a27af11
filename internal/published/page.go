// Package published owns a marketplace's public policy page (R-C7): the
// document its members, business users and regulators read — acceptable
// use, the consequences matrix, report reasons with their handling times,
// appeal routes and the ranking factors (P2B Art. 5) — built by a pure
// function, [Build], from the policy in force, and served without login as
// HTML at /policies/{slug} and as JSON at /policies/{slug}.json.
//
// The package decides what is public. The page is assembled field by field
// from the parts of the policy written for the people it binds (clauses,
// notices, listing rules, durations, published texts); it never reads risk
// settings, custom rules' expressions, detector lists and thresholds, roles
// or anything about accounts, so a secret added to the policy cannot reach
// the page by accident.
package published

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/currency"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/policy"
)

// Marketplace names the marketplace a page is about.
type Marketplace struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// Page is a marketplace's published policy. Every text is written for the
// public; durations are in words ("72 hours", "7 days").
type Page struct {
	Marketplace Marketplace `json:"marketplace"`
	// PolicyVersion is the version of the marketplace's policy document the
	// page shows; 0 is the built-in defaults.
	PolicyVersion int64 `json:"policy_version"`
	// Contact is the trust & safety team's point of contact, when the
	// marketplace publishes one.
	Contact       *Contact      `json:"contact,omitempty"`
	AcceptableUse AcceptableUse `json:"acceptable_use"`
	Consequences  Consequences  `json:"consequences"`
	Reports       Reports       `json:"reports"`
	Appeals       Appeals       `json:"appeals"`
	Ranking       Ranking       `json:"ranking"`
}

// Contact is a point of contact: the text as published and, for an email
// address or a web address, the link to it.
type Contact struct {
	Text string `json:"text"`
	Href string `json:"href,omitempty"`
}

// AcceptableUse is what may be offered and how: the marketplace's
// introduction, prohibited categories, the grounds a restriction may cite
// and the rules listings, messages and reviews follow.
type AcceptableUse struct {
	// Intro is the marketplace's introduction, in paragraphs.
	Intro                []string `json:"intro"`
	ProhibitedCategories []string `json:"prohibited_categories"`
	Grounds              []Ground `json:"grounds"`
	ListingRules         []string `json:"listing_rules"`
	// CategoryRules are the categories whose rules differ from the
	// marketplace-wide ones, with the rules that differ.
	CategoryRules []CategoryRules `json:"category_rules"`
	MessageRules  []string        `json:"message_rules"`
	ReviewRules   []string        `json:"review_rules"`
	// Checks says what the automated checks do with content that breaks a
	// rule (DSA Art. 14: automated tools used in moderation).
	Checks []Check `json:"automated_checks"`
}

// Ground is a clause of the rules a restriction may rest on.
type Ground struct {
	ID     string `json:"id"`
	Clause string `json:"clause"`
	// Meaning is the kind of violation, as the EU Transparency Database
	// names it.
	Meaning string `json:"meaning"`
	// Illegal marks content illegal under law, not only against the rules;
	// LegalGround names the law.
	Illegal     bool   `json:"illegal"`
	LegalGround string `json:"legal_ground,omitempty"`
	// Examples are the standard reasons that cite the clause.
	Examples []string `json:"examples,omitempty"`
}

// CategoryRules are one category's rules beyond the marketplace-wide ones.
type CategoryRules struct {
	Category string   `json:"category"`
	Rules    []string `json:"rules"`
}

// Check is what one automated check does, by outcome.
type Check struct {
	// Subject is what the check looks at: listings, messages or reviews.
	Subject  string         `json:"subject"`
	Outcomes []CheckOutcome `json:"outcomes"`
}

// CheckOutcome is an outcome of a check and the rules that lead to it.
type CheckOutcome struct {
	Outcome string   `json:"outcome"`
	Label   string   `json:"label"`
	Clauses []string `json:"clauses"`
}

// Consequences is the consequences matrix: what happens when rules are
// broken (R-E1, R-E3, R-C3).
type Consequences struct {
	// Principles are how measures are chosen and by whom.
	Principles []string `json:"principles"`
	// Tiers are the account standings above clear, least severe first.
	Tiers []Measure `json:"tiers"`
	// Sanctions are the measures besides tiers.
	Sanctions []Measure `json:"sanctions"`
	// BusinessUsers are the rules that apply to business users (P2B).
	BusinessUsers []string `json:"business_users"`
}

// Measure is one row of the consequences matrix.
type Measure struct {
	// ID is the tier or sanction kind.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Notice is what the account holder is told while the measure applies.
	Notice string `json:"notice,omitempty"`
	// Triggers are what leads to the measure.
	Triggers []string `json:"triggers"`
	Duration string   `json:"duration"`
	// Removes are what the account can no longer do while it applies.
	Removes []string `json:"removes"`
	// Appeal is how the measure is appealed and how fast it is decided.
	Appeal string `json:"appeal"`
}

// Reports is how to report a problem and how fast reports are handled.
type Reports struct {
	Groups            []ReportGroup `json:"groups"`
	TrustedFlaggerSLA string        `json:"trusted_flagger_sla"`
	Notes             []string      `json:"notes"`
}

// ReportGroup is a group of report reasons and its handling-time goal.
type ReportGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// First marks the groups handled before all others.
	First   bool     `json:"handled_first"`
	SLA     string   `json:"sla"`
	Reasons []Reason `json:"reasons"`
}

// Reason is a report reason: the code reports send and its label.
type Reason struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Appeals is how to contest a decision (R-A1–R-A5).
type Appeals struct {
	Routes []AppealRoute `json:"routes"`
	// PlanOfAction is what an appeal must say.
	PlanOfAction []string `json:"plan_of_action"`
	// Outcomes are what an appeal can lead to.
	Outcomes []string `json:"outcomes"`
	Notes    []string `json:"notes"`
}

// AppealRoute is one kind of decision, how long it can be contested and
// how fast the appeal or complaint is decided.
type AppealRoute struct {
	Decision string `json:"decision"`
	Window   string `json:"window"`
	SLA      string `json:"sla"`
}

// Ranking is how listings are ranked (P2B Art. 5).
type Ranking struct {
	// Factors are the main parameters, as the marketplace publishes them.
	Factors []policy.RankingFactor `json:"factors"`
	// Applied are the ranking effects the policy itself applies, with its
	// numbers.
	Applied []string `json:"applied"`
}

// Build is the published page of a marketplace from its compiled policy
// in force and the document's version. It reads only the public parts of
// the policy (see the package documentation).
func Build(mp Marketplace, c *policy.Compiled, version int64) Page {
	p := c.Policy("")
	pg := Page{Marketplace: mp, PolicyVersion: version,
		Contact:       contact(p.Published.Contact),
		AcceptableUse: acceptableUse(p),
		Consequences:  consequences(p),
		Reports:       reports(p),
		Appeals:       appeals(p),
		Ranking:       ranking(p),
	}
	pg.AcceptableUse.CategoryRules = categoryRules(c)
	return pg
}

func contact(s string) *Contact {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	c := &Contact{Text: s}
	switch {
	case strings.HasPrefix(s, "https://"), strings.HasPrefix(s, "http://"):
		c.Href = s
	case strings.Count(s, "@") == 1 && !strings.ContainsAny(s, " <>\"") && !strings.HasPrefix(s, "@"):
		c.Href = "mailto:" + s
	}
	return c
}

func acceptableUse(p *policy.Policy) AcceptableUse {
	return AcceptableUse{
		Intro:                paragraphs(p.Published.AcceptableUse),
		ProhibitedCategories: nonNil(slices.Clone(p.Listing.ProhibitedCategories)),
		Grounds:              grounds(p.Enforcement),
		ListingRules:         listingRules(p),
		CategoryRules:        []CategoryRules{},
		MessageRules:         messageRules(p),
		ReviewRules:          reviewRules(p),
		Checks:               checks(p),
	}
}

// paragraphs splits text at blank lines.
func paragraphs(text string) []string {
	out := []string{}
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if para = strings.Join(strings.Fields(para), " "); para != "" {
			out = append(out, para)
		}
	}
	return out
}

// grounds lists the clauses by id, the catch-all "other" last.
func grounds(e policy.Enforcement) []Ground {
	ids := slices.DeleteFunc(slices.Sorted(maps.Keys(e.Grounds)), func(id string) bool { return id == "other" })
	if _, ok := e.Grounds["other"]; ok {
		ids = append(ids, "other")
	}
	out := make([]Ground, 0, len(ids))
	for _, id := range ids {
		g := e.Grounds[id]
		pg := Ground{ID: id, Clause: g.Clause, Meaning: categoryMeaning(g.Category), Illegal: g.Illegal}
		if g.Illegal {
			pg.LegalGround = g.LegalGround
		}
		for _, t := range e.Templates {
			if t.Ground == id {
				pg.Examples = append(pg.Examples, t.Text)
			}
		}
		out = append(out, pg)
	}
	return out
}

// categoryMeaning names an EU Transparency Database statement category
// in words: STATEMENT_CATEGORY_SCAMS_AND_FRAUD is "Scams and fraud".
func categoryMeaning(category string) string {
	s := sentence(strings.TrimPrefix(category, "STATEMENT_CATEGORY_"))
	if base, ok := strings.CutSuffix(s, " tc"); ok {
		s = base + " of the terms and conditions"
	}
	return s
}

// listingRules are the rules every listing follows, as sentences.
func listingRules(p *policy.Policy) []string {
	l := p.Listing
	var out []string
	var fields []string
	for _, f := range l.RequiredFields {
		if label := fieldLabel(f); label != "" {
			fields = append(fields, label)
		}
	}
	if len(fields) > 0 {
		out = append(out, "Every listing must include "+list(fields)+".")
	}
	if l.MinImages > 0 {
		out = append(out, "Every listing needs at least "+count(l.MinImages, "photo", "photos")+".")
	}
	for _, cat := range slices.Sorted(maps.Keys(l.RequiredAttributes)) {
		attrs := make([]string, len(l.RequiredAttributes[cat]))
		for i, a := range l.RequiredAttributes[cat] {
			attrs[i] = words(a)
		}
		if len(attrs) > 0 {
			out = append(out, "Listings in the category “"+cat+"” must also state: "+strings.Join(attrs, ", ")+".")
		}
	}
	switch {
	case l.Price.Min == 1:
		out = append(out, "A listing must state its real price; a price of zero is not accepted.")
	case l.Price.Min > 1:
		out = append(out, "A listing's price must be at least "+money(l.Price.Min, p.Currency)+".")
	}
	out = append(out, contactRules(p.Outcomes.Listing, policy.CheckListing)...)
	if l.RequireContactVerified {
		out = append(out, "Sellers must verify their email address and phone number before their listings go live.")
	}
	if l.ManualReview {
		out = append(out, "Every listing is checked by a person before it goes live.")
	}
	return nonNil(out)
}

// fieldLabel names a listing field in a sentence; "" for the identifiers
// every listing has anyway.
func fieldLabel(field string) string {
	switch field {
	case "id", "account_id":
		return ""
	case "title", "description", "price", "category":
		return "a " + field
	case "currency":
		return "the currency of the price"
	case "images":
		return "photos"
	case "attributes":
		return "the details its category asks for"
	}
	return "the " + words(field)
}

// contactKinds are the contact-detail findings and what they are, in the
// order a sentence names them.
func contactKinds() [][2]string {
	return [][2]string{
		{"contact.phone", "phone numbers"}, {"contact.email", "email addresses"},
		{"contact.url", "links to other websites"}, {"contact.handle", "social-media handles"},
	}
}

// contactRules say which contact details the check does not let through
// and what happens to content that carries them.
func contactRules(m policy.Mapping, c policy.Check) []string {
	byOutcome := map[string][]string{}
	for _, k := range contactKinds() {
		if _, v, ok := m.Lookup(k[0]); ok && v.Outcome != c.Outcomes()[0] {
			byOutcome[v.Outcome] = append(byOutcome[v.Outcome], k[1])
		}
	}
	var out []string
	for _, o := range slices.Backward(c.Outcomes()) {
		if kinds := byOutcome[o]; len(kinds) > 0 {
			out = append(out, capitalise(list(kinds))+" are not allowed in "+subject(c)+": "+itemWith(c)+" "+consequence(o)+".")
		}
	}
	return out
}

func messageRules(p *policy.Policy) []string {
	out := contactRules(p.Outcomes.Message, policy.CheckMessage)
	if p.Message.NewConversations.Max > 0 {
		out = append(out, "How many new conversations one member can start in a short time is limited, to keep out spam.")
	}
	return nonNil(out)
}

func reviewRules(p *policy.Policy) []string {
	r := p.Review
	var out []string
	if r.VerifiedPurchaseOnly {
		out = append(out, "Only a buyer who completed an order can review it.")
	}
	if r.OnePerOrder {
		out = append(out, "One review per order.")
	}
	if r.MinDelayAfterDelivery > 0 {
		out = append(out, "Reviews can be written from "+span(r.MinDelayAfterDelivery)+" after delivery.")
	}
	if r.MinLength > 0 {
		out = append(out, "A review must be at least "+count(r.MinLength, "character", "characters")+" long.")
	}
	if r.EditWindow > 0 {
		out = append(out, "A review can be edited for "+span(r.EditWindow)+"; then it is locked.")
	}
	out = append(out, contactRules(p.Outcomes.Review, policy.CheckReview)...)
	return nonNil(out)
}

// checks says, per check, which rules lead to which outcome, most severe
// first. The least severe outcome (published as it is) is left out. Rules
// contribute their clause only: never their expression or name, and
// shadow rules not at all, because they are never acted on.
func checks(p *policy.Policy) []Check {
	out := []Check{}
	for _, c := range policy.Checks() {
		clauses := map[string][]string{}
		add := func(outcome, clause string) {
			if clause = cleanClause(clause); clause != "" && !slices.Contains(clauses[outcome], clause) {
				clauses[outcome] = append(clauses[outcome], clause)
			}
		}
		m := p.Outcomes.For(c)
		for _, key := range slices.Sorted(maps.Keys(m)) {
			if emitted(p, key) {
				add(m[key].Outcome, m[key].Clause)
			}
		}
		for _, r := range p.Rules {
			if r.Check == c && !r.Shadow {
				clause := r.Clause
				if len(r.Categories) > 0 {
					clause = cleanClause(clause) + " (in " + list(r.Categories) + ")"
				}
				add(r.Outcome, clause)
			}
		}
		ch := Check{Subject: capitalise(subject(c)), Outcomes: []CheckOutcome{}}
		for _, o := range slices.Backward(c.Outcomes()[1:]) {
			if len(clauses[o]) > 0 {
				slices.Sort(clauses[o])
				ch.Outcomes = append(ch.Outcomes, CheckOutcome{Outcome: o, Label: capitalise(consequence(o)), Clauses: clauses[o]})
			}
		}
		out = append(out, ch)
	}
	return out
}

// emitted reports whether a finding code can occur under the policy: the
// manual-review and contact-verification findings only where the policy
// asks for them, so that the page does not cite rules not in force.
func emitted(p *policy.Policy, key string) bool {
	switch key {
	case policy.ManualReviewCode:
		return p.Listing.ManualReview
	case "seller.contact_unverified":
		return p.Listing.RequireContactVerified
	}
	return true
}

// cleanClause drops a trailing SPEC reference such as " (R-L5)" from a
// clause: it means something to the people configuring Vigil, not to the
// public.
func cleanClause(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, " (R-"); i >= 0 && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[:i])
	}
	return s
}

// categoryRules are, for each category the policy overrides, the listing
// rules and check clauses that differ from the marketplace-wide ones.
func categoryRules(c *policy.Compiled) []CategoryRules {
	base := ruleSet(c.Policy(""))
	out := []CategoryRules{}
	for _, cat := range c.Categories() {
		var diff []string
		for _, r := range ruleSet(c.Policy(cat)) {
			if !slices.Contains(base, r) {
				diff = append(diff, r)
			}
		}
		if len(diff) > 0 {
			out = append(out, CategoryRules{Category: cat, Rules: diff})
		}
	}
	return out
}

// ruleSet is every rule sentence the page shows for one category's policy.
func ruleSet(p *policy.Policy) []string {
	rules := slices.Concat(listingRules(p), messageRules(p), reviewRules(p))
	for _, c := range checks(p) {
		for _, o := range c.Outcomes {
			for _, cl := range o.Clauses {
				rules = append(rules, c.Subject+" — "+cl+": "+consequence(o.Outcome)+".")
			}
		}
	}
	if len(p.Listing.ProhibitedCategories) > 0 {
		rules = append(rules, "Prohibited: "+list(p.Listing.ProhibitedCategories)+".")
	}
	return rules
}

// capability is something a measure can take away, in words, with how to
// read it from the capabilities answer. Actions are the marketplace
// actions a suspension takes away all at once.
type capability struct {
	label  string
	action bool
	has    func(enforce.Capabilities) bool
}

func capabilities() []capability {
	return []capability{
		{"access to the account", false, func(c enforce.Capabilities) bool { return c.Access == "full" }},
		{"creating and publishing listings", true, func(c enforce.Capabilities) bool { return c.CanList }},
		{"making and accepting offers", true, func(c enforce.Capabilities) bool { return c.CanOffer }},
		{"sending messages", true, func(c enforce.Capabilities) bool { return c.CanMessage }},
		{"buying", true, func(c enforce.Capabilities) bool { return c.CanBuy }},
		{"live selling", true, func(c enforce.Capabilities) bool { return c.CanGoLive }},
		{"early payout (payout follows delivery instead)", true, func(c enforce.Capabilities) bool { return c.EarlyPayout }},
		{"the standard commission rate", false, func(c enforce.Capabilities) bool { return c.CommissionRate == nil }},
		{"standard screening (new listings are checked more strictly)", false, func(c enforce.Capabilities) bool { return c.Screening == "standard" }},
		{"completing deals in progress (they are frozen)", false, func(c enforce.Capabilities) bool {
			return c.InFlight["paid"] == enforce.OrdersMayComplete
		}},
	}
}

// removes is what a standing takes away compared with a clear account,
// computed by the enforcement code itself so the page cannot drift from
// what the capabilities answer enforces. When every marketplace action
// goes, it says so once.
func removes(st enforce.Standing) []string {
	at := time.Unix(0, 0).UTC()
	base, now := enforce.Compute("", enforce.Standing{Tier: enforce.Clear}, at), enforce.Compute("", st, at)
	var lost []capability
	allActions := true
	for _, c := range capabilities() {
		switch {
		case c.has(base) && !c.has(now):
			lost = append(lost, c)
		case c.action:
			allActions = false
		}
	}
	out := []string{}
	summarised := false
	for _, c := range lost {
		switch {
		case !c.action || !allActions:
			out = append(out, c.label)
		case !summarised:
			out, summarised = append(out, "all marketplace actions: listing, offers, messages, buying, live selling, early payout"), true
		}
	}
	return out
}

func consequences(p *policy.Policy) Consequences {
	e := p.Enforcement
	team := "A decision by the trust & safety team."
	out := Consequences{Principles: []string{
		"The least severe measure that addresses the problem is taken.",
		"Apart from warnings, the shipping and fulfilment rules and the copyright rule shown below, every measure is decided by a person on the trust & safety team, after a report or a review of the account; automated checks may only recommend it.",
		"Every restriction comes with a statement of reasons: what is restricted, the facts, the clause it rests on and how to contest it.",
		"A sanction for shipping and fulfilment problems can be lifted early by the remedial step it names, such as a shipping quiz; a sanction for behaviour cannot.",
	}, Tiers: []Measure{}, Sanctions: []Measure{}, BusinessUsers: []string{}}
	for _, tier := range policy.Tiers()[1:] {
		m := Measure{ID: tier, Name: sentence(tier), Notice: e.Notices[tier], Triggers: []string{team},
			Duration: "Until the trust & safety team lifts it or an appeal succeeds.",
			Removes:  removes(enforce.Standing{Tier: tier}), Appeal: appealOf(p.Appeals, tier, tier)}
		if tier == enforce.Warning {
			m.Duration = "Stays on record; nothing is limited."
		}
		if tier == enforce.Restricted && e.DMCA.RestrictAt > 0 {
			m.Triggers = append(m.Triggers, "Automatically, at "+dmca(e.DMCA.RestrictAt, e.DMCA.WindowMonths)+".")
		}
		if tier == enforce.Suspended && e.DMCA.SuspendAt > 0 {
			m.Triggers = append(m.Triggers, "Automatically, at "+dmca(e.DMCA.SuspendAt, e.DMCA.WindowMonths)+".")
		}
		m.Triggers = append(m.Triggers, logisticsTriggers(e.Logistics, tier, "")...)
		out.Tiers = append(out.Tiers, m)
	}
	for _, kind := range policy.SanctionKinds() {
		m := Measure{ID: kind, Name: sanctionName(kind), Triggers: []string{team}, Duration: sanctionDuration(e.SanctionLimits, kind),
			Removes: removes(enforce.Standing{Tier: enforce.Clear, Sanctions: []enforce.Sanction{{Kind: kind, ImposedAt: time.Unix(0, 0).UTC()}}}),
			Appeal:  appealOf(p.Appeals, enforce.SanctionTier(kind), kind)}
		m.Triggers = append(m.Triggers, logisticsTriggers(e.Logistics, "", kind)...)
		out.Sanctions = append(out.Sanctions, m)
	}
	out.BusinessUsers = append(out.BusinessUsers,
		"A business user receives the statement of reasons before or when a restriction takes effect.")
	if n := e.BusinessTerminationNotice; n > 0 {
		s := "Ending the relationship with a business user — a block or a permanent ban — takes effect " + span(n) +
			" after notice, during which the business user can complain"
		if len(e.TerminationExceptions) > 0 {
			ex := make([]string, len(e.TerminationExceptions))
			for i, x := range e.TerminationExceptions {
				ex[i] = exceptionLabel(x)
			}
			s += "; it takes effect at once only when " + join(ex, "or")
		}
		out.BusinessUsers = append(out.BusinessUsers, s+".")
	}
	if e.BusinessRecheckMonths > 0 {
		out.BusinessUsers = append(out.BusinessUsers, "A business user's registration is checked again every "+
			count(e.BusinessRecheckMonths, "month", "months")+".")
	}
	return out
}

func dmca(strikes, months int) string {
	return count(strikes, "accepted copyright (DMCA) takedown notice", "accepted copyright (DMCA) takedown notices") +
		" within " + count(months, "month", "months")
}

// logisticsTriggers are the fulfilment rules that lead to a tier (warn
// leads to a warning) or a sanction.
func logisticsTriggers(l policy.Logistics, tier, sanction string) []string {
	var out []string
	for _, r := range l.Rules {
		when := "more than " + percent(r.Above) + " of orders " + metricLabel(r.Metric) + " over the last " + span(l.Window) +
			" (counted from " + count(l.MinOrders, "order", "orders") + ")"
		switch {
		case r.Action == "warn" && tier == enforce.Warning:
			out = append(out, "Automatically, when "+when+".")
		case r.Action == "sanction" && sanction != "" && r.Sanction == sanction:
			s := "Automatically, when " + when + ", for " + span(r.Duration)
			if r.Remedial != "" {
				s += "; completing the " + words(r.Remedial) + " lifts it early"
			}
			out = append(out, s+".")
		case r.Action == "recommend" && ((tier != "" && r.Tier == tier) || (sanction != "" && r.Sanction == sanction)):
			s := "Recommended to the trust & safety team, who decide, when " + when
			if r.Duration > 0 {
				s += ", for " + span(r.Duration)
			}
			out = append(out, s+".")
		}
	}
	return out
}

func metricLabel(metric string) string {
	switch metric {
	case "late_shipment_rate":
		return "shipped late"
	case "cancellation_rate":
		return "cancelled by the seller"
	case "refund_rate":
		return "refunded"
	case "missing_tracking_rate":
		return "shipped without tracking"
	}
	return words(metric)
}

func sanctionName(kind string) string {
	switch kind {
	case enforce.EarlyPayoutLoss:
		return "Loss of early payout"
	case enforce.LiveSellingLoss:
		return "Loss of live selling"
	}
	return sentence(kind)
}

func sanctionDuration(l policy.SanctionLimits, kind string) string {
	limit := policy.Duration(0)
	switch kind {
	case enforce.PermanentBan:
		return "Permanent."
	case enforce.EarlyPayoutLoss:
		limit = l.EarlyPayout
	case enforce.RaisedCommission:
		limit = l.RaisedCommission
	case enforce.TemporarySuspension:
		limit = l.Suspension
	}
	if limit > 0 {
		return "Up to " + span(limit) + "."
	}
	return "As long as the decision says."
}

func exceptionLabel(x string) string {
	switch x {
	case "legal_obligation":
		return "a legal obligation requires it"
	case "imperative_reason":
		return "an imperative reason under national law requires it"
	case "repeated_infringement":
		return "the terms were repeatedly infringed"
	}
	return words(x)
}

// appealOf is how a measure with the reach of tier is appealed.
func appealOf(a policy.Appeals, tier, measure string) string {
	s := "Appeal with a plan of action"
	switch {
	case tier == enforce.Blocked && measure == tier:
		s += " within " + span(a.BlockedWindow) + " of the block"
	case tier == enforce.Blocked:
		s += " within " + span(a.BlockedWindow) + " of the ban"
	case measure != tier:
		s += " within " + count(a.ComplaintWindowMonths, "month", "months") + " of the decision"
	}
	return s + "; decided within " + span(appealSLA(a, tier)) + "."
}

// appealSLA is the time to decide an appeal of tier: its own SLA, else
// the complaint SLA, as the appeals service applies them.
func appealSLA(a policy.Appeals, tier string) policy.Duration {
	if d, ok := a.SLA[tier]; ok && d > 0 {
		return d
	}
	return a.ComplaintSLA
}

func reports(p *policy.Policy) Reports {
	r := p.Reports
	byGroup := map[string][]Reason{}
	for code, g := range r.Reasons {
		byGroup[g] = append(byGroup[g], Reason{Code: code, Label: sentence(code)})
	}
	severity := func(g string) int { return slices.Index(policy.Severities(), r.Groups[g].Severity) }
	ids := slices.Sorted(maps.Keys(byGroup))
	slices.SortStableFunc(ids, func(a, b string) int { return severity(b) - severity(a) })
	out := Reports{Groups: []ReportGroup{}, TrustedFlaggerSLA: span(r.TrustedFlaggerSLA)}
	for _, id := range ids {
		reasons := byGroup[id]
		slices.SortFunc(reasons, func(a, b Reason) int { return strings.Compare(a.Label, b.Label) })
		sla := r.Groups[id].SLA
		if sla <= 0 {
			sla = r.SLA
		}
		out.Groups = append(out.Groups, ReportGroup{ID: id, Name: sentence(id), First: r.Groups[id].Severity == policy.SeverityCritical,
			SLA: span(sla), Reasons: reasons})
	}
	out.Notes = []string{
		"Every report is confirmed at once with a reference number. Reports about the same listing, message, review or account are handled together, and the reporter is told the outcome when the case is closed.",
		"Reports from trusted flaggers are handled first, within " + span(r.TrustedFlaggerSLA) + " at most.",
	}
	if _, ok := r.Reasons["illegal_content"]; ok {
		out.Notes = append(out.Notes, "To notify illegal content under the EU Digital Services Act, report it with the reason "+
			"“Illegal content” and give the exact location, your name and email address, and a statement that you make the notice in good faith. "+
			"You receive a confirmation, and a decision notice that says how to contest the decision.")
	}
	if m := r.Misuse; m.WarnAt > 0 {
		then := "given lower priority"
		if m.Action == policy.MisuseRefuse {
			then = "not accepted"
		}
		out.Notes = append(out.Notes, "A reporter who files manifestly unfounded reports is warned after "+count(m.WarnAt, "such report", "such reports")+
			" within "+span(m.Window)+"; after "+strconv.Itoa(m.SuspendAt)+", their reports are "+then+" for "+span(m.SuspendFor)+".")
	}
	return out
}

func appeals(p *policy.Policy) Appeals {
	a := p.Appeals
	complaint := "Within " + count(a.ComplaintWindowMonths, "month", "months") + " of the decision"
	out := Appeals{Routes: []AppealRoute{}}
	for _, tier := range policy.Tiers()[1:] {
		window := "While it applies"
		if tier == enforce.Blocked {
			window = "Within " + span(a.BlockedWindow) + " of the block"
		}
		out.Routes = append(out.Routes, AppealRoute{Decision: "Account " + tier, Window: window, SLA: span(appealSLA(a, tier))})
	}
	for _, kind := range policy.SanctionKinds() {
		window, tier := complaint, enforce.SanctionTier(kind)
		if tier == enforce.Blocked {
			window = "Within " + span(a.BlockedWindow) + " of the ban"
		}
		out.Routes = append(out.Routes, AppealRoute{Decision: sanctionName(kind), Window: window, SLA: span(appealSLA(a, tier))})
	}
	out.Routes = append(out.Routes,
		AppealRoute{Decision: "A decision about content: a listing rejected or sent back, a message or review held or blocked, a report's outcome",
			Window: complaint, SLA: span(a.ComplaintSLA)},
		AppealRoute{Decision: "A business user's complaint (P2B)", Window: complaint + ", and during a termination notice period",
			SLA: span(a.ComplaintSLA)})
	out.PlanOfAction = []string{
		"The root cause: what specifically went wrong.",
		"The corrective action already taken.",
		"The preventive measures that keep it from happening again.",
	}
	for _, o := range appeal.Outcomes() {
		out.Outcomes = append(out.Outcomes, appealOutcome(o))
	}
	out.Notes = []string{
		"Appeals are decided by a person who did not take the decision, never by automation.",
		"The decision on the appeal is applied at once and comes with its reasons.",
		"A decision can also be referred to a certified out-of-court dispute settlement body, or challenged before the competent court.",
	}
	return out
}

func appealOutcome(o string) string {
	switch o {
	case appeal.Reverse:
		return "Reversed: the measure is lifted."
	case appeal.Reduce:
		return "Reduced: the account moves one tier down."
	case appeal.Maintain:
		return "Maintained: the measure stays, with the reasons."
	case appeal.Escalate:
		return "Escalated: a more senior reviewer decides."
	}
	return sentence(o) + "."
}

func ranking(p *policy.Policy) Ranking {
	f := p.Freshness
	out := Ranking{Factors: nonNil(slices.Clone(p.Published.RankingFactors)), Applied: []string{}}
	if f.PenaltyAfter > 0 {
		out.Applied = append(out.Applied, "A listing its seller has not reconfirmed or updated for "+span(f.PenaltyAfter)+" gets a ranking penalty.")
	}
	if f.StaleAfter > 0 {
		then := "is hidden until the seller reconfirms it"
		if f.StaleAction == "expire" {
			then = "expires"
		}
		out.Applied = append(out.Applied, "After "+span(f.StaleAfter)+" without reconfirmation it "+then+".")
	}
	if _, v, ok := p.Outcomes.Review.Lookup("review.new_reviewer"); ok && v.Outcome == policy.LowPriority {
		out.Applied = append(out.Applied, "A first review written from a new account is shown with lower priority.")
	}
	return out
}

// subject names what a check looks at.
func subject(c policy.Check) string { return string(c) + "s" }

// itemWith is "a listing that contains them" and the like.
func itemWith(c policy.Check) string { return "a " + string(c) + " that contains them is" }

// consequence is what an outcome does to the content, after "is".
func consequence(outcome string) string {
	switch outcome {
	case policy.Approved, policy.Publish:
		return "published"
	case policy.Allow:
		return "delivered"
	case policy.ChangesRequested:
		return "sent back to the seller for correction"
	case policy.PendingReview:
		return "checked by a person before it goes live"
	case policy.Rejected, policy.Reject:
		return "rejected"
	case policy.Warn:
		return "delivered with a warning to the recipient"
	case policy.Mask:
		return "delivered with those details hidden"
	case policy.Hold:
		return "held until a person has checked it"
	case policy.Block:
		return "not delivered"
	case policy.LowPriority:
		return "shown with lower priority"
	}
	return words(outcome)
}

// span renders a duration in words: whole days from a week on, else hours,
// else minutes.
func span(d policy.Duration) string {
	t := d.Std()
	switch {
	case t >= 7*24*time.Hour && t%(24*time.Hour) == 0:
		return count(int(t/(24*time.Hour)), "day", "days")
	case t >= time.Hour && t%time.Hour == 0:
		return count(int(t/time.Hour), "hour", "hours")
	}
	return count(int(math.Ceil(t.Minutes())), "minute", "minutes")
}

// money renders minor units in the currency's own number of decimals.
func money(amount int64, code string) string {
	scale := 2
	if u, err := currency.ParseISO(code); err == nil {
		scale, _ = currency.Standard.Rounding(u)
	}
	return code + " " + strconv.FormatFloat(float64(amount)/math.Pow10(scale), 'f', scale, 64)
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func percent(f float64) string {
	return strconv.FormatFloat(math.Round(f*1000)/10, 'f', -1, 64) + "%"
}

// words turns a code (no_longer_available) into words (no longer
// available).
func words(code string) string { return strings.ToLower(strings.ReplaceAll(code, "_", " ")) }

// sentence turns a code into a label that starts with a capital.
func sentence(code string) string { return capitalise(words(code)) }

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// list joins items as a sentence does: "a, b and c".
func list(items []string) string { return join(items, "and") }

// join joins items with commas and conjunction before the last.
func join(items []string, conjunction string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conjunction + " " + items[len(items)-1]
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
