package policy

import (
	"slices"
	"strings"
)

// Policy is the effective policy of one marketplace category: built-in
// defaults with the marketplace's overrides applied. Money amounts are
// integer minor units of Currency.
type Policy struct {
	// Currency is the ISO 4217 code of every money amount in the policy.
	Currency    string      `yaml:"currency"`
	Listing     Listing     `yaml:"listing"`
	Message     Message     `yaml:"message"`
	Review      Review      `yaml:"review"`
	Links       Links       `yaml:"links"`
	Outcomes    Outcomes    `yaml:"outcomes"`
	Rules       []Rule      `yaml:"rules"`
	Risk        Risk        `yaml:"risk"`
	Reports     Reports     `yaml:"reports"`
	Enforcement Enforcement `yaml:"enforcement"`
	Appeals     Appeals     `yaml:"appeals"`
	Freshness   Freshness   `yaml:"freshness"`
	Published   Published   `yaml:"published"`
}

// Listing holds the pre-publish listing checks (R-L1–R-L6).
type Listing struct {
	// RequiredFields are listing fields that must be present and non-empty.
	RequiredFields []string `yaml:"required_fields"`
	// MinImages is the fewest images a listing may have; 0 makes images
	// optional.
	MinImages int `yaml:"min_images"`
	// RequiredAttributes maps a category to the attributes its listings
	// must carry. It is keyed by category, not set through a category
	// override, so that the built-in defaults can name the rentals
	// requirement themselves.
	RequiredAttributes map[string][]string `yaml:"required_attributes"`
	// ProhibitedCategories may not be listed at all.
	ProhibitedCategories []string `yaml:"prohibited_categories"`
	// Blocklist holds prohibited words and phrases, in addition to the text
	// detector's built-in multilingual list; they are matched after
	// Unicode, leetspeak, homoglyph and spacing normalisation, in messages
	// and reviews too. A trailing "*" matches any word ending.
	Blocklist []string `yaml:"blocklist"`
	// Price is the price sanity check.
	Price Price `yaml:"price"`
	// CounterfeitBrands maps a brand name to the lowest plausible price of a
	// genuine item; the brand named with a lower price is a counterfeit
	// indicator. Vary it per category with a category override.
	CounterfeitBrands map[string]int64 `yaml:"counterfeit_brands"`
	// Duplicates holds the near-duplicate thresholds.
	Duplicates Duplicates `yaml:"duplicates"`
	// ManualReview holds every listing for a person's review before it goes
	// live, whatever the detectors found.
	ManualReview bool `yaml:"manual_review"`
	// AreaPostcodeChars is how much of the postcode the public trust view
	// shows (R-L9): the leading characters, an area rather than a street.
	// 0 shows none.
	AreaPostcodeChars int `yaml:"area_postcode_chars"`
	// RequireContactVerified: a listing goes live only when its seller's
	// email and phone are verified (R-L7: "Contact Verified is required
	// before publishing").
	RequireContactVerified bool `yaml:"require_contact_verified"`
}

// Price configures price sanity against the category's recent prices
// (median and MAD per category and currency).
type Price struct {
	// Min is the lowest acceptable price; the default 1 rejects a price of 0.
	Min int64 `yaml:"min"`
	// HighMADs: a price more than this many scaled MADs (1.4826·MAD, a
	// robust standard deviation) above the median is unreasonably high.
	HighMADs float64 `yaml:"high_mads"`
	// LowMADs: the same below the median, unreasonably low.
	LowMADs float64 `yaml:"low_mads"`
	// BelowMarket is the fraction of the category median under which a
	// price is "significantly below market", a seller fraud signal.
	BelowMarket float64 `yaml:"below_market"`
	// MADFloor is the least spread assumed, as a fraction of the median, so
	// that a category where nearly everything costs the same (MAD 0) does
	// not flag a price one cent off.
	MADFloor float64 `yaml:"mad_floor"`
	// MinSamples is how many recent prices a category needs before the
	// statistics are trusted; with fewer, the statistical checks do not run.
	MinSamples int `yaml:"min_samples"`
	// Window is how many of the category's most recent prices the
	// statistics cover. A count, not a time span, so that slow categories
	// keep enough samples and memory stays bounded.
	Window int `yaml:"window"`
}

// Duplicates configures near-duplicate detection. Similarities are
// fractions in 0..1; a pair is a duplicate above the threshold.
type Duplicates struct {
	// TitleSimilarity applies to listings of the same seller.
	TitleSimilarity float64 `yaml:"title_similarity"`
	// DescriptionSimilarity applies to listings of different sellers.
	DescriptionSimilarity float64 `yaml:"description_similarity"`
	// ImageDistance is the largest Hamming distance between two 64-bit
	// perceptual hashes that still counts as the same photo.
	ImageDistance int `yaml:"image_distance"`
}

// Message holds message moderation thresholds (R-M1–R-M3). What contact
// details, scam scripts and phishing links lead to is in Outcomes.Message.
type Message struct {
	// NewConversations limits how many conversations a user may start.
	NewConversations Rate `yaml:"new_conversations"`
}

// Review holds review moderation (R-V1, R-V2).
type Review struct {
	// VerifiedPurchaseOnly accepts reviews only for a completed order.
	VerifiedPurchaseOnly bool `yaml:"verified_purchase_only"`
	// OnePerOrder accepts one review per order and reviewer.
	OnePerOrder bool `yaml:"one_per_order"`
	// MinDelayAfterDelivery is how long after delivery a review may be
	// written.
	MinDelayAfterDelivery Duration `yaml:"min_delay_after_delivery"`
	// MinLength is the shortest review text, in characters.
	MinLength int `yaml:"min_length"`
	// EditWindow is how long a review stays editable; then it is locked.
	EditWindow Duration `yaml:"edit_window"`
	// Burst is the most reviews one seller may receive in the window before
	// they go to the review queue.
	Burst Rate `yaml:"burst"`
	// NewReviewerAge: a reviewer account younger than this, writing its
	// first review, gets a lower display priority.
	NewReviewerAge Duration `yaml:"new_reviewer_age"`
	// TextSimilarity to another review above which a review is queued.
	TextSimilarity float64 `yaml:"text_similarity"`
	// RatingMismatch defines a high rating whose text reads negative.
	RatingMismatch RatingMismatch `yaml:"rating_mismatch"`
}

// RatingMismatch defines "5-star text with negative sentiment".
type RatingMismatch struct {
	// MinRating is the lowest rating (1–5) checked for a mismatch.
	MinRating int `yaml:"min_rating"`
	// MaxSentiment is the sentiment score (−1..1) at or below which the text
	// counts as negative.
	MaxSentiment float64 `yaml:"max_sentiment"`
}

// Links configures link checks in listings, messages and reviews. The
// domain lists extend the text detector's built-in lists (common
// shorteners, brands phishers imitate); they do not replace them.
type Links struct {
	// AllowedDomains are never treated as suspicious (the marketplace's own
	// domains, its payment provider).
	AllowedDomains []string `yaml:"allowed_domains"`
	// BlockedDomains are known malicious: a link to one is phishing.
	BlockedDomains []string `yaml:"blocked_domains"`
	// ProtectedDomains are brands phishers imitate, the marketplace's own
	// first; a lookalike of one is phishing.
	ProtectedDomains []string `yaml:"protected_domains"`
	// Shorteners hide a link's target; a shortened link is suspicious.
	Shorteners []string `yaml:"shorteners"`
	// TakedownWebhook forwards phishing links to the takedown webhook at
	// once, wherever they were found (listings, messages, reports).
	TakedownWebhook bool `yaml:"takedown_webhook"`
}

// Rate is "at most Max events per Window"; it fires when the count in the
// window exceeds Max.
type Rate struct {
	Max    int      `yaml:"max"`
	Window Duration `yaml:"window"`
}

// Risk holds the fraud signals' thresholds (R-F1–R-F5) and how the risk
// score weighs them (R-F6). Package risk evaluates the signals and the
// score from these values; the signal names are [RiskSignals] and
// [TrustSignals].
type Risk struct {
	// AccountsPerIP limits account creation from one IP address.
	AccountsPerIP Rate `yaml:"accounts_per_ip"`
	// PaymentFailures per buyer above which the buyer is flagged, counted
	// within FulfilmentWindow (R-F2 names no window; Vigil's choice, so
	// that old failures are forgiven).
	PaymentFailures int `yaml:"payment_failures"`
	// RefundRate per buyer (0..1) above which the buyer is flagged.
	RefundRate float64 `yaml:"refund_rate"`
	// DisputeRate per seller (0..1) above which the seller is flagged.
	DisputeRate float64 `yaml:"dispute_rate"`
	// HighValue is the purchase amount above which a new account's purchase
	// is a signal.
	HighValue int64 `yaml:"high_value"`
	// NewAccountAge: accounts younger than this count as new.
	NewAccountAge Duration `yaml:"new_account_age"`
	// FulfilmentWindow is the rolling window of shipping delays,
	// cancellations and refunds (R-F3, R-E5), and of the other signals
	// that count recent events without a window of their own.
	FulfilmentWindow Duration `yaml:"fulfilment_window"`

	// Weights are the points each signal adds to the score when it fires
	// at full strength; a signal firing at strength s adds s × weight.
	// Trust signals have negative weights. A map, so that a marketplace
	// overriding one weight keeps the others; a signal without a weight
	// still shows in the explanation's signals but adds no points.
	Weights map[string]float64 `yaml:"weights"`
	// Bands name score ranges for people and queues.
	Bands Bands `yaml:"bands"`
	// ReviewThreshold: a score crossing it upward opens a review for a
	// person, because the score only recommends (R-P2).
	ReviewThreshold int `yaml:"review_threshold"`
	// LinkConfidence is how sure a shared identifier makes Vigil that two
	// accounts belong to one person, by identifier kind (email, phone,
	// payment, device, address, ip). A shared IP is weak evidence: homes,
	// offices and mobile networks share addresses.
	LinkConfidence map[string]float64 `yaml:"link_confidence"`
	// DuplicateMinConfidence: links at least this sure count as duplicate
	// accounts and pass their peer's risk on; weaker links are shown but
	// count for nothing.
	DuplicateMinConfidence float64 `yaml:"duplicate_min_confidence"`
	// PeerShare is the share of a linked peer's score an account takes on
	// (R-F5): PeerShare × link confidence × peer score points.
	PeerShare float64 `yaml:"peer_share"`
	// PeerMaxPoints caps the points all peers together add, so that an
	// account's own signals, not its neighbours', decide its score.
	PeerMaxPoints float64 `yaml:"peer_max_points"`
	// MinOrders is the fewest orders (or reviews) a rate needs before it
	// means anything; with fewer, refund, dispute and positive-feedback
	// rates do not fire (R-P1: missing data does not fire).
	MinOrders int `yaml:"min_orders"`
	// ChargebackWindow is the rolling window in which chargebacks count.
	ChargebackWindow Duration `yaml:"chargeback_window"`
	// Chargebacks: more than this many in the window is a pattern.
	Chargebacks int `yaml:"chargebacks"`
	// ReviewBurst: more five-star reviews received than Max within Window
	// is a burst (R-F3).
	ReviewBurst Rate `yaml:"review_burst"`
	// SharedBuyers: at least this many distinct buyers sharing a payment
	// method or shipping address and buying from one seller is
	// coordinated fraud (R-F2).
	SharedBuyers int `yaml:"shared_buyers"`
	// Velocity holds the account-age tiers (R-F4), youngest first. An
	// account older than the last tier's MaxAge has no velocity limit.
	Velocity []VelocityTier `yaml:"velocity"`
	// Tenure is the account age at which the tenure trust signal is at
	// full strength.
	Tenure Duration `yaml:"tenure"`
	// AgeHorizon is the age at which the account-age risk factor has
	// decayed to nothing; it falls linearly from full strength at
	// registration.
	AgeHorizon Duration `yaml:"age_horizon"`
}

// Bands are the lowest scores of the medium, high and critical bands;
// scores below Medium are low.
type Bands struct {
	Medium   int `yaml:"medium"`
	High     int `yaml:"high"`
	Critical int `yaml:"critical"`
}

// VelocityTier limits how fast an account younger than MaxAge may act:
// more than Listings listings or Orders orders within Window is too fast.
type VelocityTier struct {
	MaxAge   Duration `yaml:"max_age"`
	Listings int      `yaml:"listings"`
	Orders   int      `yaml:"orders"`
	Window   Duration `yaml:"window"`
}

// RiskSignals returns the names of the signals that raise the risk score,
// in the order explanations list them. The names are stable API: weights,
// explanations and the console refer to signals by them.
func RiskSignals() []string {
	return []string{
		// Account (R-F1).
		"email.disposable", "ip.accounts_per_hour", "account.duplicate", "account.age",
		"country.mismatch", "account.shadow_profile",
		// Transactions (R-F2).
		"payment.failures", "refund.rate", "dispute.rate", "purchase.high_value_new_account",
		"chargeback.pattern", "buyers.shared_payment",
		// Sellers (R-F3) and the ladder's negative signals.
		"price.below_market", "shipping.late", "orders.cancelled", "reviews.five_star_burst",
		"dmca.accepted", "hijack.incident", "listing.prescreen_rejections",
		// Velocity (R-F4).
		"velocity",
	}
}

// TrustSignals returns the names of the signals that lower the risk score
// (R-F6's positive signals), in the order explanations list them.
func TrustSignals() []string {
	return []string{
		"deals.completed", "feedback.positive", "verified.phone", "verified.payment",
		"verified.id", "account.tenure",
	}
}

// Reports holds the report taxonomy and queue timing (R-R1, R-R4–R-R6).
type Reports struct {
	// Reasons maps each report reason code to its group.
	Reasons map[string]string `yaml:"reasons"`
	// Groups are the reason groups with their severity (which orders the
	// queue) and their SLA.
	Groups map[string]ReportGroup `yaml:"groups"`
	// SLA is the time to resolve a case whose group sets none.
	SLA Duration `yaml:"sla"`
	// Spike is the report count on one target or account within the window
	// above which an alert is raised and the case goes to the top.
	Spike Rate `yaml:"spike"`
	// ReporterRate is how many reports one reporter may file within the
	// window; more are refused with 429 until the window slides. Trusted
	// flaggers and the marketplace's own staff are exempt.
	ReporterRate Rate `yaml:"reporter_rate"`
	// TrustedFlaggerSLA is the time to resolve a case a trusted flagger
	// reported, when shorter than its group's.
	TrustedFlaggerSLA Duration `yaml:"trusted_flagger_sla"`
	// AtRisk is the share of a case's SLA left (0–1) below which it is
	// "at risk" and an alert is raised.
	AtRisk float64 `yaml:"at_risk"`
	// ClaimTimeout is how long a moderator's claim on a case holds before
	// the case goes back to the queue.
	ClaimTimeout Duration `yaml:"claim_timeout"`
	// OnlineWindow: a moderator active in the console within it counts as
	// online for workload balancing.
	OnlineWindow Duration `yaml:"online_window"`
	// Priority weighs a case's priority (R-R4).
	Priority Priority `yaml:"priority"`
	// Misuse holds the rules for reporters whose reports are manifestly
	// unfounded (R-R10).
	Misuse Misuse `yaml:"misuse"`
	// Templates are the resolution templates moderators pick from.
	Templates []Template `yaml:"templates"`
}

// Priority weighs the parts of a case's priority (R-R4); each part adds up
// to its points, and the priority is their sum, 0–100, with a spike adding
// Spike on top so that a spiking case sorts above every other.
type Priority struct {
	// Severity gives the points of each group severity.
	Severity map[string]float64 `yaml:"severity"`
	// Reporters is the most the weighted count of distinct reporters adds;
	// each reporter weighs its type's weight times its track record.
	Reporters float64 `yaml:"reporters"`
	// ReporterTypes weighs a reporter by type: user, trusted_flagger,
	// internal.
	ReporterTypes map[string]float64 `yaml:"reporter_types"`
	// TrustedFlagger is added when a trusted flagger reported the case.
	TrustedFlagger float64 `yaml:"trusted_flagger"`
	// Risk is the most the target account's risk score adds (at 100).
	Risk float64 `yaml:"risk"`
	// Value is the most a listing's or order's value adds, reached at
	// ValueCap (minor units of the policy currency).
	Value    float64 `yaml:"value"`
	ValueCap int64   `yaml:"value_cap"`
	// Spike is added while the case is spiking.
	Spike float64 `yaml:"spike"`
}

// Misuse: a reporter with WarnAt reports dismissed as manifestly unfounded
// within Window is warned; with SuspendAt, their reports are handled per
// Action ("deprioritise" or "refuse") for SuspendFor (R-R10).
type Misuse struct {
	WarnAt     int      `yaml:"warn_at"`
	SuspendAt  int      `yaml:"suspend_at"`
	Window     Duration `yaml:"window"`
	SuspendFor Duration `yaml:"suspend_for"`
	Action     string   `yaml:"action"`
}

// The misuse actions.
const (
	MisuseDeprioritise = "deprioritise"
	MisuseRefuse       = "refuse"
)

// Template is a resolution template: the action it takes and the reply
// text recorded as the resolution.
type Template struct {
	ID     string `yaml:"id"`
	Action string `yaml:"action"`
	Text   string `yaml:"text"`
	// Ground is the enforcement ground the statement of reasons of a
	// content restriction made with the template cites.
	Ground string `yaml:"ground"`
}

// ReportGroup is one report reason group.
type ReportGroup struct {
	// Severity orders the queue: critical groups first.
	Severity string `yaml:"severity"`
	// SLA overrides Reports.SLA for the group; 0 keeps it.
	SLA Duration `yaml:"sla"`
}

// Enforcement holds the ladder's automatic rules and sanction limits
// (R-E2, R-E3, R-E7, R-C3).
type Enforcement struct {
	// DMCA holds the two automatic strike rules.
	DMCA DMCA `yaml:"dmca"`
	// SanctionLimits are the longest durations of temporary sanctions.
	SanctionLimits SanctionLimits `yaml:"sanction_limits"`
	// BusinessTerminationNotice is the notice a business user gets before
	// termination (P2B), unless an exception applies.
	BusinessTerminationNotice Duration `yaml:"business_termination_notice"`
	// BusinessRecheckMonths is how often a business registration is checked
	// again. Months, because a month is not a fixed number of hours.
	BusinessRecheckMonths int `yaml:"business_recheck_months"`
	// LapseCase opens a case for a person when a PSP identity or business
	// verification lapses (R-E7); the level's benefits end either way.
	LapseCase bool `yaml:"lapse_case"`
	// TerminationExceptions are the grounds on which a business user may be
	// terminated without the notice period (P2B); a termination citing one
	// takes effect at once.
	TerminationExceptions []string `yaml:"termination_exceptions"`
	// TierRoles maps each tier above clear to the least senior role that
	// may move an account up to it (R-P2): agent, senior_moderator, admin.
	TierRoles map[string]string `yaml:"tier_roles"`
	// ReverseRole is the least senior role that may lower a tier or lift a
	// sanction early outside an appeal.
	ReverseRole string `yaml:"reverse_role"`
	// Notices are the texts the account holder sees per tier (R-E8): the
	// banner of a warning, the generic review notice of flagged, and so on.
	Notices map[string]string `yaml:"notices"`
	// Grounds are the policy clauses a restriction may cite, by id; the
	// statement of reasons names the clause and, for illegal content, the
	// legal ground (R-E6, R-C2).
	Grounds map[string]Ground `yaml:"grounds"`
	// DSA maps restrictions onto the EU Transparency Database's fields.
	DSA DSA `yaml:"dsa"`
	// Logistics holds the fulfilment rules (R-E5).
	Logistics Logistics `yaml:"logistics"`
	// Templates are the reasons moderators pick from when they apply a
	// tier or a sanction.
	Templates []EnforcementTemplate `yaml:"templates"`
}

// EnforcementTemplate is a standard reason for an enforcement decision.
type EnforcementTemplate struct {
	ID string `yaml:"id"`
	// Ground is the Grounds id the reason cites.
	Ground string `yaml:"ground"`
	Text   string `yaml:"text"`
}

// Ground is a policy clause a restriction may rest on.
type Ground struct {
	// Clause is the clause as the terms name it, e.g. "§4.1 Counterfeits".
	Clause string `yaml:"clause"`
	// Category is the EU Transparency Database statement category, e.g.
	// STATEMENT_CATEGORY_SCAMS_AND_FRAUD.
	Category string `yaml:"category"`
	// Specification are the database's keywords that narrow the category
	// (category_specification), e.g. KEYWORD_TRADEMARK_INFRINGEMENT.
	Specification []string `yaml:"specification"`
	// Illegal marks content illegal under law rather than only
	// incompatible with the terms; LegalGround then names the law.
	Illegal     bool   `yaml:"illegal"`
	LegalGround string `yaml:"legal_ground"`
}

// Logistics holds the fulfilment monitoring rules (R-E5): a seller's
// metrics over Window are checked against each rule whenever an order or
// shipment event arrives and as the window slides.
type Logistics struct {
	// Window is the rolling window of the metrics.
	Window Duration `yaml:"window"`
	// MinOrders is the fewest orders in the window a rate needs to mean
	// anything (R-P1: missing data does not fire).
	MinOrders int `yaml:"min_orders"`
	// Rules are checked in order; each applies once per crossing.
	Rules []LogisticsRule `yaml:"rules"`
}

// LogisticsRule is one fulfilment threshold and what crossing it does.
type LogisticsRule struct {
	// ID names the rule in timelines and statements.
	ID string `yaml:"id"`
	// Metric is one of [LogisticsMetrics].
	Metric string `yaml:"metric"`
	// Above is the rate (0..1) above which the rule fires.
	Above float64 `yaml:"above"`
	// Action is warn, sanction (a temporary sanction automation may
	// impose: loss of live selling or of early payout) or recommend (a case
	// recommending Tier or Sanction to a person).
	Action string `yaml:"action"`
	// Sanction is the sanction kind of sanction and recommend actions.
	Sanction string `yaml:"sanction"`
	// Duration is the sanction's length.
	Duration Duration `yaml:"duration"`
	// Remedial is the remedial step that lifts the sanction early, e.g.
	// shipping_quiz; empty when none does.
	Remedial string `yaml:"remedial"`
	// Tier is the tier a recommend action recommends.
	Tier string `yaml:"tier"`
	// Ground is the Grounds id the action cites.
	Ground string `yaml:"ground"`
}

// LogisticsMetrics are the fulfilment rates a logistics rule may watch.
func LogisticsMetrics() []string {
	return []string{"late_shipment_rate", "cancellation_rate", "refund_rate", "missing_tracking_rate"}
}

// LogisticsActions are what crossing a logistics rule may do.
func LogisticsActions() []string { return []string{"warn", "sanction", "recommend"} }

// AutoSanctions are the sanctions automation may impose by itself (R-P2):
// temporary loss of a privilege, with a remedial path, never an account
// restriction.
func AutoSanctions() []string { return []string{"live_selling_loss", "early_payout_loss"} }

// SanctionKinds are the sanctions besides tiers (R-E3).
func SanctionKinds() []string {
	return []string{"early_payout_loss", "raised_commission", "live_selling_loss", "temporary_suspension", "permanent_ban"}
}

// Tiers are the six tiers of the ladder, least to most severe (R-E1).
func Tiers() []string {
	return []string{"clear", "warning", "flagged", "restricted", "suspended", "blocked"}
}

// EnforcementRoles are the roles that may decide tiers, least senior first.
func EnforcementRoles() []string { return []string{"agent", "senior_moderator", "admin"} }

// DMCA holds the automatic DMCA strike rules, the only automatic moves
// above warning (R-P2).
type DMCA struct {
	// RestrictAt accepted strikes within the window restrict the account.
	RestrictAt int `yaml:"restrict_at"`
	// SuspendAt accepted strikes within the window suspend it.
	SuspendAt int `yaml:"suspend_at"`
	// WindowMonths is the rolling window in which strikes count.
	WindowMonths int `yaml:"window_months"`
}

// SanctionLimits are the maximum durations of temporary sanctions.
type SanctionLimits struct {
	// EarlyPayout is the longest loss of early payout.
	EarlyPayout Duration `yaml:"early_payout"`
	// RaisedCommission is the longest period of raised commission.
	RaisedCommission Duration `yaml:"raised_commission"`
	// Suspension is the longest temporary suspension.
	Suspension Duration `yaml:"suspension"`
}

// Appeals holds appeal and complaint timing (R-A2, R-A5).
type Appeals struct {
	// SLA maps a tier to the time from filing within which its appeal is
	// decided.
	SLA map[string]Duration `yaml:"sla"`
	// BlockedWindow is how long after a block the account may appeal.
	BlockedWindow Duration `yaml:"blocked_window"`
	// ComplaintWindowMonths is how long after a decision a complaint is
	// accepted.
	ComplaintWindowMonths int `yaml:"complaint_window_months"`
	// ComplaintSLA is the time from filing within which a complaint about
	// a content decision, or an appeal of a tier or sanction without an SLA
	// of its own, is decided.
	ComplaintSLA Duration `yaml:"complaint_sla"`
}

// Freshness holds the anti-stale timeline (R-L8).
type Freshness struct {
	// PenaltyAfter without reconfirmation, a listing gets a ranking penalty.
	PenaltyAfter Duration `yaml:"penalty_after"`
	// StaleAfter without reconfirmation, StaleAction applies.
	StaleAfter Duration `yaml:"stale_after"`
	// StaleAction is "hide" or "expire".
	StaleAction string `yaml:"stale_action"`
}

// Outcomes maps finding codes to verdicts, per check.
type Outcomes struct {
	Listing Mapping `yaml:"listing"`
	Message Mapping `yaml:"message"`
	Review  Mapping `yaml:"review"`
}

// For returns the mapping of check, or nil for an unknown check.
func (o *Outcomes) For(c Check) Mapping {
	switch c {
	case CheckListing:
		return o.Listing
	case CheckMessage:
		return o.Message
	case CheckReview:
		return o.Review
	}
	return nil
}

// Mapping maps a finding code, a code prefix ending in "." or the fallback
// "*" to a verdict.
type Mapping map[string]Verdict

// Fallback is the Mapping key for finding codes no other key matches.
const Fallback = "*"

// Lookup returns the verdict for a finding code and the key that matched:
// the exact code, else the longest prefix key, else Fallback.
func (m Mapping) Lookup(code string) (key string, v Verdict, ok bool) {
	if v, ok := m[code]; ok {
		return code, v, true
	}
	// Prefix keys end in a dot, so only the code's prefixes up to a dot can
	// match; trying them longest first finds the longest match.
	for i := strings.LastIndexByte(code, '.'); i >= 0; i = strings.LastIndexByte(code[:i], '.') {
		if v, ok := m[code[:i+1]]; ok {
			return code[:i+1], v, true
		}
	}
	if v, ok := m[Fallback]; ok {
		return Fallback, v, true
	}
	return "", Verdict{}, false
}

// codeMatches reports whether a finding code falls under a Mapping key;
// has_finding in rules shares it so that rules and outcomes agree on what a
// key means.
func codeMatches(code, key string) bool {
	if key == Fallback || key == code {
		return true
	}
	return strings.HasSuffix(key, ".") && strings.HasPrefix(code, key)
}

// Verdict is what a finding or a rule leads to.
type Verdict struct {
	// Outcome is one of the check's outcomes (see Check.Outcomes).
	Outcome string `yaml:"outcome" json:"outcome"`
	// Severity is low, medium, high or critical.
	Severity string `yaml:"severity" json:"severity"`
	// Clause is the policy clause cited to the user and the moderator.
	Clause string `yaml:"clause" json:"clause"`
	// Flag opens a review item even when the outcome lets the content
	// through (R-M3 "flag", R-R8 proactive cases).
	Flag bool `yaml:"flag" json:"flag,omitempty"`
	// Ground is the enforcement ground (enforcement.grounds) a statement
	// of reasons for the decision cites; empty cites "other".
	Ground string `yaml:"ground" json:"ground,omitempty"`
}

// Rule is a custom rule: a CEL expression over the entity and its context.
type Rule struct {
	// Name identifies the rule in hits, decisions and per-rule statistics.
	Name string `yaml:"name"`
	// Check is the check the rule runs in: listing, message or review.
	Check Check `yaml:"check"`
	// Expr is the CEL expression; it must be a bool.
	Expr string `yaml:"expr"`
	// Verdict is what the rule leads to when it fires.
	Verdict `yaml:",inline"`
	// Shadow rules are evaluated and reported, never acted on.
	Shadow bool `yaml:"shadow"`
	// Categories limits the rule to these categories; empty means all.
	Categories []string `yaml:"categories"`
	// Description says what the rule is for, for the people reading it.
	Description string `yaml:"description"`
}

// appliesTo reports whether the rule runs for category.
func (r *Rule) appliesTo(category string) bool {
	return len(r.Categories) == 0 || slices.Contains(r.Categories, category)
}

// Check names one of the synchronous checks.
type Check string

// The checks.
const (
	CheckListing Check = "listing"
	CheckMessage Check = "message"
	CheckReview  Check = "review"
)

// Checks returns the checks in a stable order.
func Checks() []Check { return []Check{CheckListing, CheckMessage, CheckReview} }

// Outcomes of the listing check (R-L6).
const (
	Approved         = "approved"
	ChangesRequested = "changes_requested"
	PendingReview    = "pending_review"
	Rejected         = "rejected"
)

// Outcomes of the message check (R-M1–R-M3).
const (
	Allow = "allow"
	Warn  = "warn"
	Mask  = "mask"
	Hold  = "hold" // also a review outcome
	Block = "block"
)

// Outcomes of the review check (R-V1, R-V2).
const (
	Publish     = "publish"
	LowPriority = "low_priority"
	Reject      = "reject"
)

// Outcomes returns the check's outcomes from least to most severe; the
// worst outcome over a decision's reasons wins. Nil for an unknown check.
//
// Listings: a missing field the seller can fix ranks below a suspicion only
// a person can clear, because editing the listing would not clear it; the
// decision still lists the fields to change, for the moderator to request.
// Messages: masking alters what the recipient sees, so it ranks above a
// warning, which delivers the text as written.
func (c Check) Outcomes() []string {
	switch c {
	case CheckListing:
		return []string{Approved, ChangesRequested, PendingReview, Rejected}
	case CheckMessage:
		return []string{Allow, Warn, Mask, Hold, Block}
	case CheckReview:
		return []string{Publish, LowPriority, Hold, Reject}
	}
	return nil
}

// rank is outcome's position in c.Outcomes(), -1 when it is not one.
func (c Check) rank(outcome string) int { return slices.Index(c.Outcomes(), outcome) }

// Severities.
const (
	SeverityLow      = "low"
	SeverityMedium   = "medium"
	SeverityHigh     = "high"
	SeverityCritical = "critical"
)

// Severities returns the severities from least to most severe.
func Severities() []string {
	return []string{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}
}
