package listing

import (
	"strings"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/event"
)

// Area is where a listing is, as the public may see it (R-L9): the city,
// the country and the postcode's leading characters — never the street,
// the house or the full postcode.
type Area struct {
	PostcodePrefix string `json:"postcode_prefix,omitempty"`
	City           string `json:"city,omitempty"`
	Country        string `json:"country,omitempty"`
}

// AreaOf is the public area of a location, with chars characters of its
// postcode.
func AreaOf(loc *event.Location, chars int) Area {
	if loc == nil {
		return Area{}
	}
	a := Area{City: loc.City, Country: loc.Country}
	if pc := strings.TrimSpace(loc.Postcode); chars > 0 && pc != "" && utf8.RuneCountInString(pc) > chars {
		a.PostcodePrefix = string([]rune(pc)[:chars])
	}
	return a
}

// The listing trust levels (R-L7).
const (
	// ContactVerified: the seller's email and phone are verified and a
	// person approved the listing.
	ContactVerified = "contact_verified"
	// PropertyChecked: a moderator reviewed evidence of the seller's
	// relationship to the property. It is not a legal ownership guarantee,
	// and its public wording never claims one.
	PropertyChecked = "property_checked"
)

// TrustLevel is a trust level with the wording the public sees.
type TrustLevel struct {
	Level       string `json:"level" enum:"contact_verified,property_checked"`
	Description string `json:"description"`
}

// TrustLevels are the levels a listing has: contact verified when its
// seller verified email and phone and a person approved it; property
// checked when a moderator accepted the evidence.
func TrustLevels(verified []string, humanApproved, propertyChecked bool) []TrustLevel {
	out := []TrustLevel{}
	has := func(k string) bool {
		for _, v := range verified {
			if v == k {
				return true
			}
		}
		return false
	}
	if has("email") && has("phone") && humanApproved {
		out = append(out, TrustLevel{ContactVerified, "The advertiser's email and phone were checked, and a person reviewed this listing."})
	}
	if propertyChecked {
		out = append(out, TrustLevel{PropertyChecked, "A moderator reviewed evidence of the advertiser's relationship to the property. This is not a guarantee of legal ownership."})
	}
	return out
}

// The seller verification levels (R-E7), lowest first.
const (
	LevelNone     = "none"
	LevelBasic    = "basic"
	LevelIdentity = "identity_verified"
	LevelBusiness = "business_verified"
	LevelEnhanced = "enhanced"
)

// VerificationLevel is a seller's level with its badge and benefits.
type VerificationLevel struct {
	Level string `json:"level" enum:"none,basic,identity_verified,business_verified,enhanced"`
	Badge string `json:"badge,omitempty" enum:"checkmark,business,gold"`
	// Benefits are what the level gives, for the marketplace to apply.
	Benefits []string `json:"benefits"`
	// Next lists the verifications the next level still needs.
	Next []string `json:"next_needs,omitempty"`
}

// levels are R-E7's ladder: each level needs the verifications of the one
// below it and its own.
var levels = []struct {
	level, badge string
	needs        []string
	benefits     []string
}{
	{LevelBasic, "", []string{"email", "terms"}, []string{"can_list", "limited_visibility"}},
	{LevelIdentity, "checkmark", []string{"identity"}, []string{"can_list", "full_visibility"}},
	{LevelBusiness, "business", []string{"business"}, []string{"can_list", "full_visibility", "search_priority"}},
	{LevelEnhanced, "gold", []string{"address", "bank"}, []string{"can_list", "full_visibility", "search_priority", "lowest_commission"}},
}

// LevelOf is the level the verified kinds reach. A verification that
// lapsed is not verified, so its level's benefits end with it.
func LevelOf(verified []string) VerificationLevel {
	has := map[string]bool{}
	for _, v := range verified {
		has[v] = true
	}
	out := VerificationLevel{Level: LevelNone, Benefits: []string{}}
	for _, l := range levels {
		var missing []string
		for _, k := range l.needs {
			if !has[k] {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			out.Next = missing
			return out
		}
		out = VerificationLevel{Level: l.level, Badge: l.badge, Benefits: l.benefits}
	}
	return out
}
