package policy

import (
	"time"

	"github.com/vigil-ts/vigil/internal/event"
)

// Default returns the built-in policy: every threshold in SPEC as data,
// cited by requirement id, and the outcome of every finding code the
// detectors emit. Numbers SPEC leaves open are marked as Vigil's choice.
// Each call returns a fresh value the caller may modify.
func Default() *Policy {
	return &Policy{
		Currency: "EUR", // R-F2 states money in EUR
		Listing: Listing{
			// R-L1: title, description, price, category, ≥1 image.
			RequiredFields: []string{"title", "description", "price", "category"},
			MinImages:      1, // R-L1
			// R-L1: rentals also need their costs and availability.
			RequiredAttributes: map[string][]string{
				"rentals": {"rent_monthly", "additional_costs", "available_from"},
			},
			Price: Price{
				Min:         1,    // R-L3: a price of 0 fails
				HighMADs:    5,    // Vigil's choice (R-L3 gives none): prices skew high, so a wider band above
				LowMADs:     3.5,  // Vigil's choice: the usual Iglewicz–Hoaglin cut-off
				BelowMarket: 0.5,  // Vigil's choice (R-L3 gives none): under half the median
				MADFloor:    0.05, // Vigil's choice: assume at least 5% spread around the median
				MinSamples:  30,   // Vigil's choice: median and MAD are unstable on fewer prices
				Window:      1000, // Vigil's choice: enough prices for stable statistics, bounded memory
			},
			CounterfeitBrands: map[string]int64{},
			Duplicates: Duplicates{
				TitleSimilarity:       0.90, // R-L4: >90% title similarity, same seller
				DescriptionSimilarity: 0.85, // Vigil's choice (R-L4 gives none)
				ImageDistance:         8,    // Vigil's choice: 8 of 64 bits survives resizing and recompression
			},
			ManualReview: false, // R-L6: a marketplace may require it per category
			// Vigil's choice (R-L9): three characters of a postcode name a
			// district (DE 204.., NL 101., UK "SW1"), not a street.
			AreaPostcodeChars: 3,
		},
		Message: Message{
			NewConversations: Rate{Max: 20, Window: Hours(1)}, // R-M2: at most 20 new conversations per hour
		},
		Review: Review{
			VerifiedPurchaseOnly:  true,                            // R-V1
			OnePerOrder:           true,                            // R-V1
			MinDelayAfterDelivery: Hours(24),                       // R-V1: not before 24h after delivery
			MinLength:             50,                              // R-V1: text ≥ 50 characters
			EditWindow:            Hours(48),                       // R-V1: editable 48h, then locked
			Burst:                 Rate{Max: 5, Window: Hours(24)}, // R-V2: >5 per seller in 24h
			NewReviewerAge:        Days(7),                         // R-V2: account <7 days, first review
			TextSimilarity:        0.80,                            // R-V2: >80% similar to another review
			RatingMismatch: RatingMismatch{
				MinRating:    5,     // R-V2: 5-star text with negative sentiment
				MaxSentiment: -0.05, // Vigil's choice: VADER's conventional "negative" cut-off
			},
		},
		Links: Links{
			TakedownWebhook: true, // R-L5, R-R3: phishing links go to the takedown service at once
		},
		Outcomes: defaultOutcomes(),
		Risk: Risk{
			AccountsPerIP:    Rate{Max: 3, Window: Hours(1)}, // R-F1: >3 accounts per IP per hour
			PaymentFailures:  3,                              // R-F2: >3 payment failures per buyer
			RefundRate:       0.30,                           // R-F2: refund rate >30%
			DisputeRate:      0.05,                           // R-F2: seller dispute rate >5%
			HighValue:        50000,                          // R-F2: > EUR 500
			NewAccountAge:    Days(7),                        // Vigil's choice: R-V2's new-account age
			FulfilmentWindow: Days(30),                       // R-F3, R-E5: the last 30 days
			Weights:          defaultWeights(),
			// Vigil's choice (R-F6 gives no bands): quarters of the scale.
			Bands:           Bands{Medium: 25, High: 50, Critical: 75},
			ReviewThreshold: 70, // Vigil's choice: four or five independent flags, or a few strong ones
			// Vigil's choice: how rarely two people share each kind of
			// identifier. An email or a payment fingerprint is nearly
			// personal; a device is shared in families; a phone is
			// recycled; an address is shared by flatmates; an IP by a
			// whole office or mobile network (R-F1 names email, phone,
			// payment details and device).
			LinkConfidence: map[string]float64{
				event.IDEmail:   0.95,
				event.IDPayment: 0.90,
				event.IDDevice:  0.85,
				event.IDPhone:   0.80,
				event.IDAddress: 0.60,
				event.IDIP:      0.30,
			},
			DuplicateMinConfidence: 0.6,                             // Vigil's choice: an address links, an IP alone does not
			PeerShare:              0.5,                             // Vigil's choice: R-F5's "confidence-weighted share"; half at full confidence
			PeerMaxPoints:          30,                              // Vigil's choice: peers alone cannot make an account high risk
			MinOrders:              5,                               // Vigil's choice: one refund in two orders is not a 50% refund rate (R-P1)
			ChargebackWindow:       Days(90),                        // Vigil's choice: a quarter; older chargebacks are history, not a pattern
			Chargebacks:            1,                               // Vigil's choice: one chargeback happens; two in the window is a pattern (R-F2)
			ReviewBurst:            Rate{Max: 5, Window: Hours(24)}, // R-F3 with R-V2's numbers: >5 in 24h
			SharedBuyers:           2,                               // Vigil's choice: R-F2's "several accounts", from two
			// R-F4 gives no tiers; Vigil's choice: a new account may try
			// the marketplace, not flood it.
			Velocity: []VelocityTier{
				{MaxAge: Days(1), Listings: 5, Orders: 3, Window: Hours(24)},
				{MaxAge: Days(7), Listings: 20, Orders: 10, Window: Hours(24)},
				{MaxAge: Days(30), Listings: 50, Orders: 30, Window: Hours(24)},
			},
			Tenure:     Days(365), // Vigil's choice: a year on the marketplace earns full tenure
			AgeHorizon: Days(30),  // Vigil's choice: R-F1's "account age factor" fades over the first month
		},
		Reports: Reports{
			// R-R1: the default reasons and their risk groups; "fraud" is
			// split from safety because R-R4 ranks fraud/scam first.
			Reasons: map[string]string{
				"no_longer_available":    "freshness",
				"wrong_price":            "cost",
				"hidden_fees":            "cost",
				"duplicate_listing":      "quality",
				"misleading_photos":      "content",
				"suspicious_contact":     "safety",
				"owner_not_responding":   "freshness",
				"inappropriate_content":  "safety",
				"spam_or_misleading":     "content",
				"counterfeit_or_illegal": "safety",
				"offensive_content":      "content",
				"scam_or_fraud":          "fraud",
				"harassment":             "safety",
				"other":                  "content",
				"illegal_content":        "safety",
			},
			// R-R4: fraud/scam and safety first. R-R6: safety faster than
			// the 48h default; 24h is the reference's review target.
			Groups: map[string]ReportGroup{
				"fraud":     {Severity: SeverityCritical, SLA: Hours(24)},
				"safety":    {Severity: SeverityCritical, SLA: Hours(24)},
				"content":   {Severity: SeverityMedium},
				"cost":      {Severity: SeverityLow},
				"quality":   {Severity: SeverityLow},
				"freshness": {Severity: SeverityLow},
			},
			SLA: Hours(48), // R-R6: resolve within 48h
			// Vigil's choice: R-R5's example, 70 reports at once, is far
			// above it.
			Spike: Rate{Max: 10, Window: Hours(1)},
			// Vigil's choice: far above what a person reports honestly,
			// low enough to stop a script flooding the queue.
			ReporterRate: Rate{Max: 30, Window: Hours(1)},
			// R-R4: trusted flaggers first; Vigil's choice: their cases are
			// due within a day, as safety's are.
			TrustedFlaggerSLA: Hours(24),
			AtRisk:            0.25,                       // Vigil's choice: alert with a quarter of the SLA left
			ClaimTimeout:      Duration(30 * time.Minute), // Vigil's choice: 30 minutes
			OnlineWindow:      Duration(15 * time.Minute), // Vigil's choice: active in the last 15 minutes
			Priority: Priority{
				// R-R4: the reason group's severity weighs most.
				Severity:       map[string]float64{SeverityCritical: 40, SeverityHigh: 30, SeverityMedium: 20, SeverityLow: 10},
				Reporters:      20,
				ReporterTypes:  map[string]float64{"user": 1, "trusted_flagger": 3, "internal": 2},
				TrustedFlagger: 15,
				Risk:           15,
				Value:          10,
				ValueCap:       100000, // EUR 1,000.00 adds the most
				Spike:          100,
			},
			// R-R10: warned, then suspended from reporting for a period.
			// Vigil's choice of numbers.
			Misuse: Misuse{WarnAt: 3, SuspendAt: 5, Window: Days(90), SuspendFor: Days(30), Action: MisuseDeprioritise},
			Templates: []Template{
				{ID: "no_violation", Action: "dismiss", Text: "We reviewed the report and found no breach of our rules."},
				{ID: "unfounded", Action: "dismiss", Text: "The report is manifestly unfounded."},
				{ID: "content_removed", Action: "remove_content", Text: "The content breached our rules and was removed.", Ground: "other"},
				{ID: "listing_paused", Action: "pause_listing", Text: "The listing is paused until the seller corrects it.", Ground: "misleading_content"},
				{ID: "changes_requested", Action: "request_changes", Text: "The seller was asked to correct the listing.", Ground: "misleading_content"},
				{ID: "warned", Action: "warn", Text: "The account holder was warned about our rules."},
			},
		},
		Enforcement: Enforcement{
			DMCA: DMCA{
				RestrictAt:   3,  // R-E2: 3 accepted strikes → restricted
				SuspendAt:    5,  // R-E2: 5 → suspended
				WindowMonths: 12, // R-E2: in 12 months
			},
			SanctionLimits: SanctionLimits{
				EarlyPayout:      Days(30), // R-E3: ≤30 days
				RaisedCommission: Days(30), // R-E3: ≤30 days
				Suspension:       Days(30), // R-E3: ≤30 days
			},
			BusinessTerminationNotice: Days(30), // R-C3: 30 days notice
			BusinessRecheckMonths:     12,       // R-E7: yearly re-check
			// Vigil's choice (R-E7 lets the policy suspend; R-P2 wants a
			// person to decide): a lapse puts the account in front of one.
			LapseCase: true,
			// P2B's exceptions to the notice period: a legal obligation to
			// terminate at once, an imperative reason under national law,
			// repeated infringement of the terms.
			TerminationExceptions: []string{"legal_obligation", "imperative_reason", "repeated_infringement"},
			// R-P2: humans decide above warning. Vigil's choice of who:
			// agents warn and flag, seniors restrict and suspend, blocking
			// is an admin's decision.
			TierRoles: map[string]string{
				"warning": "agent", "flagged": "agent", "restricted": "senior_moderator",
				"suspended": "senior_moderator", "blocked": "admin",
			},
			ReverseRole: "senior_moderator",
			// R-E1, R-E8: what the account holder sees per tier.
			Notices: map[string]string{
				"warning":    "Something specific was logged on your account. This notice is here so that it cannot surprise you later; no action is needed and nothing is limited.",
				"flagged":    "Your account is under closer review. New listings may be checked more strictly before they go live.",
				"restricted": "New listings and offers are paused on your account. Deals already in progress can be completed. You can appeal with a plan of action.",
				"suspended":  "Your account is suspended: all marketplace actions are paused and deals in progress are frozen. You can appeal with a plan of action.",
				"blocked":    "Your account has been blocked for violating the community guidelines. You can appeal within 7 days of the block.",
			},
			Grounds: defaultGrounds(),
			DSA:     defaultDSA(),
			Templates: []EnforcementTemplate{
				{ID: "counterfeit", Ground: "counterfeit", Text: "Listings offered counterfeit goods, which our terms prohibit."},
				{ID: "scam", Ground: "fraud", Text: "The account took part in a scam against other members."},
				{ID: "harassment", Ground: "harassment", Text: "The account harassed other members in messages."},
				{ID: "prohibited_items", Ground: "prohibited_items", Text: "Listings offered items our terms prohibit."},
				{ID: "fulfilment", Ground: "fulfilment", Text: "Orders were shipped late, without tracking or cancelled more often than our shipping rules allow."},
				{ID: "misleading", Ground: "misleading_content", Text: "Listings misled buyers about the goods offered."},
				{ID: "fake_reviews", Ground: "fake_reviews", Text: "The account took part in fake or incentivised reviews."},
			},
			Logistics: Logistics{
				Window:    Days(30), // R-E5: fulfilment over the last 30 days
				MinOrders: 5,        // Vigil's choice, as risk.min_orders: a rate on fewer orders says little
				// Vigil's choice of thresholds (the sources give none): a
				// seller shipping one order in ten late loses live selling
				// for two weeks unless they pass the shipping quiz (the
				// reference's example); the other rates warn first.
				Rules: []LogisticsRule{
					{ID: "late_shipments", Metric: "late_shipment_rate", Above: 0.10, Action: "sanction", Sanction: "live_selling_loss",
						Duration: Days(14), Remedial: "shipping_quiz", Ground: "fulfilment"},
					{ID: "missing_tracking", Metric: "missing_tracking_rate", Above: 0.20, Action: "warn", Ground: "fulfilment"},
					{ID: "cancellations", Metric: "cancellation_rate", Above: 0.10, Action: "warn", Ground: "fulfilment"},
					{ID: "refunds", Metric: "refund_rate", Above: 0.25, Action: "recommend", Sanction: "early_payout_loss",
						Duration: Days(30), Ground: "fulfilment"},
				},
			},
		},
		Appeals: Appeals{
			SLA: map[string]Duration{
				"restricted": Hours(72), // R-A2
				"suspended":  Hours(48), // R-A2
				"blocked":    Hours(24), // R-A2
			},
			BlockedWindow:         Days(7), // R-A2, R-E1: 7-day final appeal window
			ComplaintWindowMonths: 6,       // R-A5: 6 months after the decision
			// Vigil's choice: the longest SLA the sources give (R-A2's 72h)
			// for decisions they give none for.
			ComplaintSLA: Hours(72),
		},
		Freshness: Freshness{
			PenaltyAfter: Days(7),  // R-L8: from day 7, a ranking penalty
			StaleAfter:   Days(21), // R-L8: from day 21, hidden or expired
			StaleAction:  "hide",   // R-P3: the lesser of hide and expire
		},
		Published: defaultPublished(), // R-C7: what the public policy page says about the marketplace
	}
}

// defaultGrounds are the clauses of a typical marketplace's terms that a
// restriction cites, with their EU Transparency Database categories.
func defaultGrounds() map[string]Ground {
	g := func(clause, category string, keywords ...string) Ground {
		return Ground{Clause: clause, Category: category, Specification: keywords}
	}
	return map[string]Ground{
		"fraud":       g("Fraud and scams", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"),
		"phishing":    g("Phishing and malicious links", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "KEYWORD_PHISHING"),
		"counterfeit": g("Counterfeit goods", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS", "KEYWORD_TRADEMARK_INFRINGEMENT"),
		"intellectual_property": {Clause: "Intellectual property (accepted DMCA takedowns)", Category: "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
			Specification: []string{"KEYWORD_COPYRIGHT_INFRINGEMENT"}, Illegal: true, LegalGround: "Copyright infringement notified under 17 U.S.C. § 512 / Directive 2001/29/EC"},
		"prohibited_items":   g("Prohibited and restricted items", "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", "KEYWORD_PROHIBITED_PRODUCTS"),
		"harassment":         g("Respectful behaviour", "STATEMENT_CATEGORY_CYBER_VIOLENCE", "KEYWORD_CYBER_HARASSMENT"),
		"hate":               g("Hateful conduct", "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "KEYWORD_HATE_SPEECH"),
		"misleading_content": g("Accurate listings", "STATEMENT_CATEGORY_CONSUMER_INFORMATION", "KEYWORD_MISLEADING_INFO_GOODS_SERVICES"),
		"spam":               g("Spam and platform manipulation", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"),
		"fulfilment":         g("Shipping and fulfilment", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"),
		"fake_reviews":       g("Authentic reviews", "STATEMENT_CATEGORY_CONSUMER_INFORMATION", "KEYWORD_INAUTHENTIC_USER_REVIEWS"),
		"other":              g("Terms of service", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"),
	}
}

// defaultWeights are the points of each signal at full strength (R-F6
// gives none; all Vigil's choice). The scale: one ordinary flag of R-F1–R-F4
// is about 15 points, below the medium band, so that a single flag is a
// note rather than a case; two make medium. Evidence that is hard to
// explain innocently (a suspended seller's new account, accepted DMCA
// takedowns, chargebacks, buyers sharing a card) weighs 25–40. Trust
// signals together can offset about 55 points: a long, clean record
// outweighs a flag or two, never a pattern.
func defaultWeights() map[string]float64 {
	return map[string]float64{
		"email.disposable":                15,
		"ip.accounts_per_hour":            15,
		"account.duplicate":               25,
		"account.age":                     10,
		"country.mismatch":                10,
		"account.shadow_profile":          40,
		"payment.failures":                15,
		"refund.rate":                     15,
		"dispute.rate":                    20,
		"purchase.high_value_new_account": 20,
		"chargeback.pattern":              25,
		"buyers.shared_payment":           25,
		"price.below_market":              15,
		"shipping.late":                   15,
		"orders.cancelled":                15,
		"reviews.five_star_burst":         20,
		"dmca.accepted":                   30,
		"hijack.incident":                 20,
		"listing.prescreen_rejections":    10,
		"velocity":                        15,

		"deals.completed":   -15,
		"feedback.positive": -10,
		"verified.phone":    -5,
		"verified.payment":  -5,
		"verified.id":       -10,
		"account.tenure":    -10,
	}
}

// defaultOutcomes maps the detectors' finding codes to verdicts. Clauses
// name the rule in words a seller understands, with the SPEC id for the
// marketplace replacing them with its own terms.
func defaultOutcomes() Outcomes {
	v := func(outcome, severity, clause string) Verdict {
		return Verdict{Outcome: outcome, Severity: severity, Clause: clause}
	}
	// cites is a verdict that restricts content, with the ground its
	// statement of reasons cites.
	cites := func(outcome, severity, clause, ground string) Verdict {
		return Verdict{Outcome: outcome, Severity: severity, Clause: clause, Ground: ground}
	}
	return Outcomes{
		Listing: Mapping{
			// Anything a detector flags that has no entry of its own goes to
			// a person (the reference's "queue for listings flagged by
			// automated checks").
			Fallback:                v(PendingReview, SeverityLow, "Listings flagged by automated checks are reviewed before publishing (R-L6)"),
			"listing.manual_review": v(PendingReview, SeverityLow, "Listings in this category are reviewed by a person before publishing (R-L6)"),
			"required.":             cites(ChangesRequested, SeverityLow, "Listings must include all required information (R-L1)", "misleading_content"),
			"category.prohibited":   cites(Rejected, SeverityHigh, "Prohibited items and categories (R-L2)", "prohibited_items"),
			"text.prohibited":       cites(Rejected, SeverityHigh, "Prohibited items and categories (R-L2)", "prohibited_items"),
			"price.zero":            cites(ChangesRequested, SeverityLow, "Listings must state a real price (R-L3)", "misleading_content"),
			"price.":                v(PendingReview, SeverityMedium, "Prices must be realistic for the category (R-L3)"),
			"listing.counterfeit":   v(PendingReview, SeverityHigh, "Counterfeit goods (R-L3)"),
			"duplicate.":            v(PendingReview, SeverityMedium, "Duplicate listings (R-L4)"),
			// SMG: disallowed links are corrected before going live.
			"contact.":      cites(ChangesRequested, SeverityLow, "Contact details and links stay out of listings (R-L5)", "other"),
			"link.":         v(PendingReview, SeverityMedium, "Suspicious links (R-L5)"),
			"link.phishing": cites(Rejected, SeverityCritical, "Phishing and malicious links (R-L5)", "phishing"),
			"scam.":         v(PendingReview, SeverityHigh, "Scams and fraud (R-M3)"),
			// R-E1: a flagged account's new listings are screened more
			// strictly: a person sees them first; an account that may not
			// list cannot publish.
			"account.flagged": v(PendingReview, SeverityLow, "Stricter screening of accounts under closer review (R-E1)"),
			// R-L7: the seller verifies email and phone; nothing a moderator
			// could change, so the seller is asked to.
			"seller.contact_unverified": cites(ChangesRequested, SeverityLow, "Contact Verified is required before publishing (R-L7)", "other"),
			"account.restricted":        cites(Rejected, SeverityMedium, "Restricted, suspended and blocked accounts cannot create listings (R-E1)", "other"),
		},
		Message: Mapping{
			Fallback:            v(Allow, SeverityLow, "Messages (R-M1–R-M3)"),
			"contact.":          v(Mask, SeverityLow, "Contact details stay on the platform (R-M1)"),
			"spam.rate_limit":   cites(Block, SeverityMedium, "Limit on new conversations per hour (R-M2)", "spam"),
			"account.suspended": cites(Block, SeverityMedium, "Suspended and blocked accounts cannot send messages (R-E1)", "other"),
			"text.":             v(Warn, SeverityMedium, "Prohibited words and insults (R-L2, R-V1)"),
			"link.":             v(Warn, SeverityMedium, "Suspicious links (R-M3)"),
			"link.phishing":     cites(Block, SeverityCritical, "Phishing links (R-M3)", "phishing"),
			// R-M3: warn the recipient and flag for a moderator; holding
			// every scam-like message would delay honest ones (R-P3).
			"scam.": {Outcome: Warn, Severity: SeverityHigh, Clause: "Scam patterns: off-platform payment, urgency, advance fees, fake shipping agents (R-M3)", Flag: true},
		},
		Review: Mapping{
			// R-V2's signals go to the review queue unless listed below.
			Fallback:                 v(Hold, SeverityLow, "Reviews flagged by automated checks are checked before publishing (R-V2)"),
			"review.not_verified":    cites(Reject, SeverityMedium, "Only verified purchasers can review (R-V1)", "fake_reviews"),
			"review.duplicate_order": cites(Reject, SeverityLow, "One review per order (R-V1)", "fake_reviews"),
			"review.too_early":       cites(Reject, SeverityLow, "Reviews open only some time after delivery (R-V1)", "fake_reviews"),
			"review.too_short":       cites(Reject, SeverityLow, "Reviews need a minimum length (R-V1)", "other"),
			"review.edit_locked":     cites(Reject, SeverityLow, "Reviews are locked after the edit window (R-V1)", "other"),
			"review.new_reviewer":    v(LowPriority, SeverityLow, "Reviews from new accounts are shown with lower priority (R-V2)"),
			"review.burst":           v(Hold, SeverityMedium, "Unusual bursts of reviews are checked (R-V2)"),
			"review.similar":         v(Hold, SeverityMedium, "Copied review text (R-V2)"),
			"review.rating_mismatch": v(Hold, SeverityLow, "Rating and text must agree (R-V2)"),
			"review.cross":           v(Hold, SeverityMedium, "Buyers and sellers reviewing each other (R-V2)"),
			"review.self":            {Outcome: Hold, Severity: SeverityHigh, Clause: "Self-reviews are not allowed (R-V2)", Flag: true},
			"text.":                  cites(Reject, SeverityMedium, "Profanity and personal attacks (R-V1)", "harassment"),
			"contact.":               v(Hold, SeverityLow, "Contact details stay out of reviews (R-M1)"),
			"link.phishing":          cites(Reject, SeverityCritical, "Phishing links (R-M3)", "phishing"),
		},
	}
}
