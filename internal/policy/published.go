package policy

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Published is what a marketplace says about itself on its public policy
// page (R-C7) beyond what the rest of the policy already states: the
// introduction to its acceptable-use rules, the main parameters that
// determine ranking (P2B Art. 5) and a point of contact. Everything here is
// public by design; the page derives the rest (listing rules, the
// consequences matrix, report reasons, appeal routes) from the policy
// itself, and never shows thresholds, weights or rules.
type Published struct {
	// AcceptableUse introduces the acceptable-use section, in the
	// marketplace's own words: what the marketplace is for and the spirit
	// of its rules. Plain text; blank lines separate paragraphs.
	AcceptableUse string `yaml:"acceptable_use"`
	// RankingFactors are the main parameters that determine how listings
	// are ranked and their relative importance, most important first
	// (P2B Art. 5). The page adds the freshness penalty Vigil applies
	// (freshness.penalty_after) with the policy's own numbers.
	RankingFactors []RankingFactor `yaml:"ranking_factors"`
	// Contact is where users reach the trust & safety team: an email
	// address, an https:// URL or a sentence. Empty shows no contact line.
	Contact string `yaml:"contact"`
}

// RankingFactor is one main ranking parameter.
type RankingFactor struct {
	// Name is the parameter in a few words, e.g. "Relevance".
	Name string `yaml:"name" json:"name"`
	// Description says what the parameter looks at and how much it weighs,
	// in words a seller understands.
	Description string `yaml:"description" json:"description"`
}

// Length limits of the published texts: long enough for a real policy
// page, short enough that a pasted document is caught.
const (
	maxAcceptableUse  = 5000
	maxRankingFactors = 20
	maxFactorName     = 80
	maxFactorText     = 1000
	maxContact        = 300
)

// defaultPublished is a starting point a marketplace is expected to
// replace with its own words. The ranking factors describe a typical
// classifieds search; freshness is the one Vigil itself applies.
func defaultPublished() Published {
	return Published{
		AcceptableUse: "This marketplace is for buying and selling lawful goods and services. " +
			"Describe what you offer honestly, keep conversations and payments on the platform, " +
			"and treat other members with respect.\n\n" +
			"The rules below say what may not be offered, what every listing must include, " +
			"what happens when a rule is broken, how to report a problem and how to contest a decision.",
		RankingFactors: []RankingFactor{
			{Name: "Relevance", Description: "How well a listing's title, description, category and attributes match the search " +
				"and the filters chosen. This weighs most."},
			{Name: "Freshness", Description: "Listings whose seller has not recently confirmed they are still available " +
				"get a ranking penalty and are later hidden; the periods are stated below. " +
				"Reconfirming or updating a listing restores its position."},
			{Name: "Completeness", Description: "Listings with all the information buyers need, clear photos and a realistic " +
				"price rank above incomplete ones."},
			{Name: "Sort order chosen by the buyer", Description: "Buyers may sort by price, distance or date instead; " +
				"their choice then decides the order."},
			{Name: "Paid promotion", Description: "Listings a seller paid to promote are shown in marked positions. " +
				"Payment does not change the order of the other results."},
		},
	}
}

// validatePublished checks the published section: every text within its
// limit, and every ranking factor named once and described.
func validatePublished(ps *Problems, p *Published) {
	if n := utf8.RuneCountInString(p.AcceptableUse); n > maxAcceptableUse {
		ps.add("published.acceptable_use", "is %d characters; keep it under %d and put the details in your terms", n, maxAcceptableUse)
	}
	if len(p.RankingFactors) > maxRankingFactors {
		ps.add("published.ranking_factors", "has %d factors; name at most the %d main ones (P2B Art. 5)", len(p.RankingFactors), maxRankingFactors)
	}
	seen := map[string]int{}
	for i, f := range p.RankingFactors {
		path := fmt.Sprintf("published.ranking_factors[%d]", i)
		name := strings.TrimSpace(f.Name)
		switch j, dup := seen[strings.ToLower(name)]; {
		case name == "":
			ps.add(path+".name", "is empty; name the ranking parameter, e.g. Relevance")
		case dup:
			ps.add(path+".name", "%q is also the name of ranking_factors[%d]", name, j)
		default:
			seen[strings.ToLower(name)] = i
		}
		if utf8.RuneCountInString(f.Name) > maxFactorName {
			ps.add(path+".name", "must be at most %d characters", maxFactorName)
		}
		if strings.TrimSpace(f.Description) == "" {
			ps.add(path+".description", "is empty; say what the parameter looks at and how much it weighs")
		} else if utf8.RuneCountInString(f.Description) > maxFactorText {
			ps.add(path+".description", "must be at most %d characters", maxFactorText)
		}
	}
	if utf8.RuneCountInString(p.Contact) > maxContact || strings.ContainsAny(p.Contact, "\r\n") {
		ps.add("published.contact", "must be one line of at most %d characters: an email address, a URL or a sentence", maxContact)
	}
}
