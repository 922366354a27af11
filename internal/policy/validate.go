package policy

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/vigil-ts/vigil/internal/event"
)

// appealTiers are the tiers an appeal SLA can be set for: every tier above
// clear (R-A1).
func appealTiers() []string {
	return []string{"warning", "flagged", "restricted", "suspended", "blocked"}
}

// validate checks the values of a resolved policy; problems carry paths of
// the resolved policy, without positions. Rules' expressions are checked
// by the rule compiler.
func validate(p *Policy) Problems {
	var ps Problems
	if len(p.Currency) != 3 || strings.Trim(p.Currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		ps.add("currency", "must be a three-letter ISO 4217 code such as EUR or CHF, got %q", p.Currency)
	}
	validateListing(&ps, &p.Listing)
	rate(&ps, "message.new_conversations", p.Message.NewConversations)
	validateReview(&ps, &p.Review)
	validateLinks(&ps, &p.Links)
	for _, c := range Checks() {
		m := p.Outcomes.For(c)
		for _, key := range slices.Sorted(maps.Keys(m)) {
			path := "outcomes." + string(c) + mapKey(key)
			if !validCodeKey(key) {
				ps.add(path, "%q is not a finding code, a prefix ending in \".\" (contact.) or %q", key, Fallback)
			}
			verdict(&ps, path, c, m[key])
			cited(&ps, path, m[key].Ground, p.Enforcement.Grounds)
		}
	}
	validateRules(&ps, p.Rules)
	for i, r := range p.Rules {
		cited(&ps, fmt.Sprintf("rules[%d]", i), r.Ground, p.Enforcement.Grounds)
	}
	for i, t := range p.Reports.Templates {
		cited(&ps, fmt.Sprintf("reports.templates[%d]", i), t.Ground, p.Enforcement.Grounds)
	}
	validateRisk(&ps, &p.Risk)
	validateReports(&ps, &p.Reports)
	validateEnforcement(&ps, &p.Enforcement)
	validatePublished(&ps, &p.Published)
	a := &p.Appeals
	for _, tier := range slices.Sorted(maps.Keys(a.SLA)) {
		path := "appeals.sla" + mapKey(tier)
		oneOf(&ps, path, tier, appealTiers(), "tier")
		positive(&ps, path, a.SLA[tier])
	}
	positive(&ps, "appeals.blocked_window", a.BlockedWindow)
	atLeast(&ps, "appeals.complaint_window_months", a.ComplaintWindowMonths, 1)
	positive(&ps, "appeals.complaint_sla", a.ComplaintSLA)
	f := &p.Freshness
	positive(&ps, "freshness.penalty_after", f.PenaltyAfter)
	if f.StaleAfter <= f.PenaltyAfter {
		ps.add("freshness.stale_after", "must be later than penalty_after (%s), got %s", f.PenaltyAfter, f.StaleAfter)
	}
	oneOf(&ps, "freshness.stale_action", f.StaleAction, []string{"hide", "expire"}, "")
	return ps
}

func validateListing(ps *Problems, l *Listing) {
	between(ps, "listing.area_postcode_chars", l.AreaPostcodeChars, 0, 5)
	for i, f := range l.RequiredFields {
		oneOf(ps, fmt.Sprintf("listing.required_fields[%d]", i), f, listingFields(), "listing field")
	}
	atLeast(ps, "listing.min_images", l.MinImages, 0)
	for _, cat := range slices.Sorted(maps.Keys(l.RequiredAttributes)) {
		texts(ps, "listing.required_attributes"+mapKey(cat), l.RequiredAttributes[cat])
	}
	texts(ps, "listing.prohibited_categories", l.ProhibitedCategories)
	texts(ps, "listing.blocklist", l.Blocklist)
	pr := &l.Price
	atLeast(ps, "listing.price.min", pr.Min, 0)
	aboveZero(ps, "listing.price.high_mads", pr.HighMADs)
	aboveZero(ps, "listing.price.low_mads", pr.LowMADs)
	fraction(ps, "listing.price.below_market", pr.BelowMarket)
	fraction(ps, "listing.price.mad_floor", pr.MADFloor)
	atLeast(ps, "listing.price.min_samples", pr.MinSamples, 1)
	atLeast(ps, "listing.price.window", pr.Window, pr.MinSamples)
	for _, brand := range slices.Sorted(maps.Keys(l.CounterfeitBrands)) {
		atLeast(ps, "listing.counterfeit_brands"+mapKey(brand), l.CounterfeitBrands[brand], 1)
	}
	fraction(ps, "listing.duplicates.title_similarity", l.Duplicates.TitleSimilarity)
	fraction(ps, "listing.duplicates.description_similarity", l.Duplicates.DescriptionSimilarity)
	between(ps, "listing.duplicates.image_distance", l.Duplicates.ImageDistance, 0, 64)
}

func validateReview(ps *Problems, r *Review) {
	atLeast(ps, "review.min_delay_after_delivery", r.MinDelayAfterDelivery, 0)
	atLeast(ps, "review.min_length", r.MinLength, 0)
	atLeast(ps, "review.edit_window", r.EditWindow, 0)
	rate(ps, "review.burst", r.Burst)
	positive(ps, "review.new_reviewer_age", r.NewReviewerAge)
	fraction(ps, "review.text_similarity", r.TextSimilarity)
	between(ps, "review.rating_mismatch.min_rating", r.RatingMismatch.MinRating, 1, 5)
	between(ps, "review.rating_mismatch.max_sentiment", r.RatingMismatch.MaxSentiment, -1, 1)
}

func validateLinks(ps *Problems, l *Links) {
	lists := []struct {
		key     string
		domains []string
	}{
		{"allowed_domains", l.AllowedDomains}, {"blocked_domains", l.BlockedDomains},
		{"protected_domains", l.ProtectedDomains}, {"shorteners", l.Shorteners},
	}
	for _, list := range lists {
		for i, d := range list.domains {
			if !validDomain(d) {
				ps.add(fmt.Sprintf("links.%s[%d]", list.key, i), "%q is not a domain; write it without scheme or path, in lower case, e.g. example.com", d)
			}
		}
	}
}

func validateRules(ps *Problems, rules []Rule) {
	names := map[string]int{}
	for i := range rules {
		r, path := &rules[i], fmt.Sprintf("rules[%d]", i)
		switch j, dup := names[r.Name]; {
		case !validName(r.Name):
			ps.add(path+".name", "must be a short name of lower-case letters, digits, _ and - (it labels hits and statistics), got %q", r.Name)
		case dup:
			ps.add(path+".name", "%q is also the name of rules[%d]; names must be unique", r.Name, j)
		default:
			names[r.Name] = i
		}
		if oneOf(ps, path+".check", string(r.Check), []string{string(CheckListing), string(CheckMessage), string(CheckReview)}, "check") {
			verdict(ps, path, r.Check, r.Verdict)
		}
		if strings.TrimSpace(r.Expr) == "" {
			ps.add(path+".expr", "is empty; write a CEL expression that is true when the rule should fire")
		}
		texts(ps, path+".categories", r.Categories)
	}
}

func validateRisk(ps *Problems, r *Risk) {
	rate(ps, "risk.accounts_per_ip", r.AccountsPerIP)
	atLeast(ps, "risk.payment_failures", r.PaymentFailures, 1)
	fraction(ps, "risk.refund_rate", r.RefundRate)
	fraction(ps, "risk.dispute_rate", r.DisputeRate)
	atLeast(ps, "risk.high_value", r.HighValue, 1)
	positive(ps, "risk.new_account_age", r.NewAccountAge)
	positive(ps, "risk.fulfilment_window", r.FulfilmentWindow)
	risk, trust := RiskSignals(), TrustSignals()
	for _, name := range slices.Sorted(maps.Keys(r.Weights)) {
		path, w := "risk.weights"+mapKey(name), r.Weights[name]
		switch {
		case slices.Contains(risk, name):
			if !(w >= 0 && w <= 100) {
				ps.add(path, "%s raises the risk: its weight must be between 0 and 100 points, got %v", name, w)
			}
		case slices.Contains(trust, name):
			// A trust signal adding risk would punish good behaviour: the
			// sign is almost certainly a typo.
			if !(w >= -100 && w <= 0) {
				ps.add(path, "%s is a trust signal: its weight must be between -100 and 0 points, got %v", name, w)
			}
		default:
			oneOf(ps, path, name, append(risk, trust...), "signal name")
		}
	}
	b := r.Bands
	between(ps, "risk.bands.medium", b.Medium, 1, 100)
	if b.High <= b.Medium || b.High > 100 {
		ps.add("risk.bands.high", "must be above medium (%d) and at most 100, got %d", b.Medium, b.High)
	}
	if b.Critical <= b.High || b.Critical > 100 {
		ps.add("risk.bands.critical", "must be above high (%d) and at most 100, got %d", b.High, b.Critical)
	}
	between(ps, "risk.review_threshold", r.ReviewThreshold, 1, 100)
	for _, kind := range slices.Sorted(maps.Keys(r.LinkConfidence)) {
		path := "risk.link_confidence" + mapKey(kind)
		oneOf(ps, path, kind, linkKinds(), "identifier kind")
		fraction(ps, path, r.LinkConfidence[kind])
	}
	fraction(ps, "risk.duplicate_min_confidence", r.DuplicateMinConfidence)
	fraction(ps, "risk.peer_share", r.PeerShare)
	between(ps, "risk.peer_max_points", r.PeerMaxPoints, 0, 100)
	atLeast(ps, "risk.min_orders", r.MinOrders, 1)
	positive(ps, "risk.chargeback_window", r.ChargebackWindow)
	atLeast(ps, "risk.chargebacks", r.Chargebacks, 0)
	rate(ps, "risk.review_burst", r.ReviewBurst)
	atLeast(ps, "risk.shared_buyers", r.SharedBuyers, 2)
	for i, t := range r.Velocity {
		path := fmt.Sprintf("risk.velocity[%d]", i)
		positive(ps, path+".max_age", t.MaxAge)
		if i > 0 && t.MaxAge <= r.Velocity[i-1].MaxAge {
			ps.add(path+".max_age", "must be older than velocity[%d].max_age (%s): tiers go from the youngest accounts to the oldest, got %s", i-1, r.Velocity[i-1].MaxAge, t.MaxAge)
		}
		atLeast(ps, path+".listings", t.Listings, 1)
		atLeast(ps, path+".orders", t.Orders, 1)
		positive(ps, path+".window", t.Window)
	}
	positive(ps, "risk.tenure", r.Tenure)
	positive(ps, "risk.age_horizon", r.AgeHorizon)
}

// linkKinds are the identifier kinds that link accounts, as event names
// them.
func linkKinds() []string {
	return []string{event.IDEmail, event.IDPhone, event.IDPayment, event.IDDevice, event.IDAddress, event.IDIP}
}

func validateReports(ps *Problems, r *Reports) {
	groups := slices.Sorted(maps.Keys(r.Groups))
	for _, code := range slices.Sorted(maps.Keys(r.Reasons)) {
		path := "reports.reasons" + mapKey(code)
		if !validName(code) {
			ps.add(path, "reason code %q must be lower-case letters, digits, _ and -", code)
		}
		oneOf(ps, path, r.Reasons[code], groups, "group in reports.groups")
	}
	for _, g := range groups {
		path := "reports.groups" + mapKey(g)
		oneOf(ps, path+".severity", r.Groups[g].Severity, Severities(), "severity")
		atLeast(ps, path+".sla", r.Groups[g].SLA, 0)
	}
	positive(ps, "reports.sla", r.SLA)
	rate(ps, "reports.spike", r.Spike)
	rate(ps, "reports.reporter_rate", r.ReporterRate)
	positive(ps, "reports.trusted_flagger_sla", r.TrustedFlaggerSLA)
	if r.AtRisk < 0 || r.AtRisk >= 1 {
		ps.add("reports.at_risk", "must be a share of the SLA from 0 to below 1, got %v", r.AtRisk)
	}
	positive(ps, "reports.claim_timeout", r.ClaimTimeout)
	positive(ps, "reports.online_window", r.OnlineWindow)
	for _, sev := range Severities() {
		if _, ok := r.Priority.Severity[sev]; !ok {
			ps.add("reports.priority.severity", "has no points for severity %q", sev)
		}
	}
	for _, typ := range ReporterTypes() {
		if r.Priority.ReporterTypes[typ] < 0 {
			ps.add("reports.priority.reporter_types"+mapKey(typ), "must not be negative")
		}
	}
	for k := range r.Priority.ReporterTypes {
		oneOf(ps, "reports.priority.reporter_types"+mapKey(k), k, ReporterTypes(), "reporter type")
	}
	if r.Priority.ValueCap <= 0 {
		ps.add("reports.priority.value_cap", "must be positive, got %d", r.Priority.ValueCap)
	}
	m := r.Misuse
	atLeast(ps, "reports.misuse.warn_at", m.WarnAt, 1)
	if m.SuspendAt < m.WarnAt {
		ps.add("reports.misuse.suspend_at", "must be at least warn_at (%d), got %d", m.WarnAt, m.SuspendAt)
	}
	positive(ps, "reports.misuse.window", m.Window)
	positive(ps, "reports.misuse.suspend_for", m.SuspendFor)
	oneOf(ps, "reports.misuse.action", m.Action, []string{MisuseDeprioritise, MisuseRefuse}, "misuse action")
	seen := map[string]bool{}
	for i, t := range r.Templates {
		path := fmt.Sprintf("reports.templates[%d]", i)
		if !validName(t.ID) || seen[t.ID] {
			ps.add(path+".id", "must be a unique lower-case name, got %q", t.ID)
		}
		seen[t.ID] = true
		oneOf(ps, path+".action", t.Action, ClosingActions(), "closing action")
		if strings.TrimSpace(t.Text) == "" {
			ps.add(path+".text", "is empty; write the reply the resolution records")
		}
	}
}

// ReporterTypes are who may file a report.
func ReporterTypes() []string { return []string{"user", "trusted_flagger", "internal"} }

// ClosingActions are the case actions that resolve or dismiss a case, the
// ones a resolution template may name.
func ClosingActions() []string {
	return []string{"dismiss", "approve", "resolve", "warn", "remove_content", "pause_listing", "request_changes"}
}

func validateEnforcement(ps *Problems, e *Enforcement) {
	atLeast(ps, "enforcement.dmca.restrict_at", e.DMCA.RestrictAt, 1)
	if e.DMCA.SuspendAt <= e.DMCA.RestrictAt {
		ps.add("enforcement.dmca.suspend_at", "must be more than restrict_at (%d), got %d", e.DMCA.RestrictAt, e.DMCA.SuspendAt)
	}
	atLeast(ps, "enforcement.dmca.window_months", e.DMCA.WindowMonths, 1)
	positive(ps, "enforcement.sanction_limits.early_payout", e.SanctionLimits.EarlyPayout)
	positive(ps, "enforcement.sanction_limits.raised_commission", e.SanctionLimits.RaisedCommission)
	positive(ps, "enforcement.sanction_limits.suspension", e.SanctionLimits.Suspension)
	atLeast(ps, "enforcement.business_termination_notice", e.BusinessTerminationNotice, 0)
	atLeast(ps, "enforcement.business_recheck_months", e.BusinessRecheckMonths, 1)
	for i, x := range e.TerminationExceptions {
		if !validName(x) {
			ps.add(fmt.Sprintf("enforcement.termination_exceptions[%d]", i), "%q is not a lower-case name such as legal_obligation", x)
		}
	}
	for _, tier := range appealTiers() {
		path := "enforcement.tier_roles" + mapKey(tier)
		if r, ok := e.TierRoles[tier]; !ok {
			ps.add(path, "is missing: every tier above clear needs the role that may apply it")
		} else {
			oneOf(ps, path, r, EnforcementRoles(), "role")
		}
		if strings.TrimSpace(e.Notices[tier]) == "" {
			ps.add("enforcement.notices"+mapKey(tier), "is missing: the account holder must be told what the tier means (R-E8)")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(e.TierRoles)) {
		oneOf(ps, "enforcement.tier_roles"+mapKey(k), k, appealTiers(), "tier")
	}
	for _, k := range slices.Sorted(maps.Keys(e.Notices)) {
		oneOf(ps, "enforcement.notices"+mapKey(k), k, appealTiers(), "tier")
	}
	oneOf(ps, "enforcement.reverse_role", e.ReverseRole, EnforcementRoles(), "role")
	if _, ok := e.Grounds["other"]; !ok {
		ps.add("enforcement.grounds.other", "is missing: the ground a restriction cites when it names none")
	}
	for _, id := range slices.Sorted(maps.Keys(e.Grounds)) {
		g, path := e.Grounds[id], "enforcement.grounds"+mapKey(id)
		if !validName(id) {
			ps.add(path, "%q is not a lower-case name", id)
		}
		if strings.TrimSpace(g.Clause) == "" {
			ps.add(path+".clause", "is empty; name the clause of the terms")
		}
		validateGround(ps, path, g)
		if g.Illegal && strings.TrimSpace(g.LegalGround) == "" {
			ps.add(path+".legal_ground", "is empty; illegal content needs the law it breaks")
		}
	}
	ids := map[string]bool{}
	for i, t := range e.Templates {
		path := fmt.Sprintf("enforcement.templates[%d]", i)
		if !validName(t.ID) || ids[t.ID] {
			ps.add(path+".id", "%q is not a unique lower-case name", t.ID)
		}
		ids[t.ID] = true
		if _, ok := e.Grounds[t.Ground]; !ok {
			ps.add(path+".ground", "%q is not one of enforcement.grounds", t.Ground)
		}
		if strings.TrimSpace(t.Text) == "" {
			ps.add(path+".text", "is empty; write the reason the statement of reasons gives")
		}
	}
	validateDSA(ps, &e.DSA)
	l := &e.Logistics
	positive(ps, "enforcement.logistics.window", l.Window)
	atLeast(ps, "enforcement.logistics.min_orders", l.MinOrders, 1)
	seen := map[string]bool{}
	for i, r := range l.Rules {
		path := fmt.Sprintf("enforcement.logistics.rules[%d]", i)
		if !validName(r.ID) {
			ps.add(path+".id", "%q is not a lower-case name", r.ID)
		} else if seen[r.ID] {
			ps.add(path+".id", "%q is used twice", r.ID)
		}
		seen[r.ID] = true
		oneOf(ps, path+".metric", r.Metric, LogisticsMetrics(), "metric")
		fraction(ps, path+".above", r.Above)
		if _, ok := e.Grounds[r.Ground]; !ok {
			ps.add(path+".ground", "%q is not one of enforcement.grounds", r.Ground)
		}
		if !oneOf(ps, path+".action", r.Action, LogisticsActions(), "action") {
			continue
		}
		switch r.Action {
		case "sanction":
			oneOf(ps, path+".sanction", r.Sanction, AutoSanctions(), "sanction automation may impose (R-P2)")
			positive(ps, path+".duration", r.Duration)
		case "recommend":
			if (r.Tier == "") == (r.Sanction == "") {
				ps.add(path, "a recommend rule names either a tier or a sanction to recommend")
			}
			if r.Tier != "" {
				oneOf(ps, path+".tier", r.Tier, appealTiers(), "tier")
			}
			if r.Sanction != "" {
				oneOf(ps, path+".sanction", r.Sanction, SanctionKinds(), "sanction")
			}
		}
		if r.Remedial != "" && !validName(r.Remedial) {
			ps.add(path+".remedial", "%q is not a lower-case name such as shipping_quiz", r.Remedial)
		}
	}
}

// verdict checks a verdict against the outcomes of its check.
func verdict(ps *Problems, path string, c Check, v Verdict) {
	oneOf(ps, path+".outcome", v.Outcome, c.Outcomes(), string(c)+" outcome")
	oneOf(ps, path+".severity", v.Severity, Severities(), "severity")
	if strings.TrimSpace(v.Clause) == "" {
		ps.add(path+".clause", "is empty; cite the policy clause the decision rests on, e.g. \"§3.2 Prohibited items\"")
	}
}

// cited checks that a verdict's or template's ground, when it names one,
// is one of the enforcement grounds.
func cited(ps *Problems, path, ground string, grounds map[string]Ground) {
	if _, ok := grounds[ground]; ground != "" && !ok {
		ps.add(path+".ground", "%q is not one of enforcement.grounds (%s)", ground, strings.Join(slices.Sorted(maps.Keys(grounds)), ", "))
	}
}

// oneOf checks v is one of allowed and reports whether it is.
func oneOf(ps *Problems, path, v string, allowed []string, what string) bool {
	if slices.Contains(allowed, v) {
		return true
	}
	if what != "" {
		what = " " + what
	}
	msg := fmt.Sprintf("%q is not a valid%s; use one of %s", v, what, strings.Join(allowed, ", "))
	if s := suggest(v, allowed); s != "" {
		msg = fmt.Sprintf("%q is not a valid%s; did you mean %q? (one of %s)", v, what, s, strings.Join(allowed, ", "))
	}
	ps.add(path, "%s", msg)
	return false
}

func atLeast[T int | int64 | Duration](ps *Problems, path string, v, least T) {
	if v < least {
		ps.add(path, "must be at least %v, got %v", least, v)
	}
}

func between[T int | float64](ps *Problems, path string, v, lo, hi T) {
	if !(v >= lo && v <= hi) {
		ps.add(path, "must be between %v and %v, got %v", lo, hi, v)
	}
}

func aboveZero(ps *Problems, path string, v float64) {
	if !(v > 0) {
		ps.add(path, "must be greater than 0, got %v", v)
	}
}

func fraction(ps *Problems, path string, v float64) {
	if !(v >= 0 && v <= 1) || math.IsNaN(v) {
		ps.add(path, "must be a fraction between 0 and 1 (0.9 means 90%%), got %v", v)
	}
}

func positive(ps *Problems, path string, d Duration) {
	if d <= 0 {
		ps.add(path, "must be a positive duration such as 24h or 7d, got %s", d)
	}
}

func rate(ps *Problems, path string, r Rate) {
	atLeast(ps, path+".max", r.Max, 1)
	positive(ps, path+".window", r.Window)
}

// texts checks a list holds no empty entries.
func texts(ps *Problems, path string, list []string) {
	for i, s := range list {
		if strings.TrimSpace(s) == "" {
			ps.add(fmt.Sprintf("%s[%d]", path, i), "is empty")
		}
	}
}

// validCodeKey reports whether key is a finding code ("link.phishing"), a
// prefix ("contact.") or the fallback.
func validCodeKey(key string) bool {
	if key == Fallback {
		return true
	}
	return key != "" && key[0] != '.' && !strings.Contains(key, "..") &&
		strings.Trim(key, "abcdefghijklmnopqrstuvwxyz0123456789_.") == ""
}

// validName reports whether s is a lower-case identifier-like name.
func validName(s string) bool {
	return s != "" && len(s) <= 64 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == ""
}

func validDomain(d string) bool {
	return strings.Contains(d, ".") && !strings.HasPrefix(d, ".") && !strings.HasSuffix(d, ".") &&
		strings.Trim(d, "abcdefghijklmnopqrstuvwxyz0123456789.-") == ""
}
