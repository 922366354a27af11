package policy

import (
	"cel.dev/cel-go/cel"

	"github.com/vigil-ts/vigil/internal/detect"
)

// Variable is a variable custom rules can read. Entity, account and
// context variables are maps from field names to values; findings is a
// list of maps.
type Variable struct {
	Name string
	Doc  string
	// List marks findings, a list of maps with Fields.
	List bool
	// Fields are the known fields (of each item, for a list). A rule that
	// names another field is rejected, because it could never fire.
	Fields []Field
	// size bounds a list's length for the cost estimate.
	size uint64
}

// Field is a known field of a rule variable.
type Field struct {
	Name string
	// Type is the value's CEL type: string, int, bool, list(string) or
	// map(string, dyn).
	Type string
	Doc  string
	// size bounds a string's length or a list's or map's entries for the
	// cost estimate; at run time the cost limit holds whatever the size.
	size uint64
}

// Variables returns the variables rules of check see, in the order they
// are documented: the entity named after the check, then account, context
// and findings. Callers of Evaluate supply them under these names; a field
// left out makes the rules that read it not fire.
func Variables(check Check) []Variable {
	id := func(name, doc string) Field { return Field{Name: name, Type: "string", Doc: doc, size: 100} }
	count := func(name, doc string) Field { return Field{Name: name, Type: "int", Doc: doc} }
	var entity Variable
	switch check {
	case CheckListing:
		entity = Variable{Name: "listing", Doc: "the listing being checked", Fields: []Field{
			id("id", "listing id"),
			id("account_id", "seller's account id"),
			{Name: "title", Type: "string", size: 300},
			{Name: "description", Type: "string", size: 10000},
			count("price", "price in minor units of currency"),
			{Name: "currency", Type: "string", Doc: "ISO 4217", size: 3},
			id("category", "the marketplace's category"),
			{Name: "attributes", Type: "map(string, dyn)", Doc: "category attributes, e.g. rent_monthly", size: 100},
			{Name: "images", Type: "list(string)", Doc: "image URLs or ids", size: 50},
			{Name: "location", Type: "map(string, dyn)", Doc: "postcode, city, country; never the street (R-L9)", size: 4},
		}}
	case CheckMessage:
		entity = Variable{Name: "message", Doc: "the message being checked", Fields: []Field{
			id("id", "message id"),
			id("conversation_id", "conversation id"),
			id("sender_id", "sender's account id"),
			id("recipient_id", "recipient's account id"),
			{Name: "text", Type: "string", size: 5000},
			{Name: "conversation_new", Type: "bool", Doc: "the message starts a conversation"},
		}}
	case CheckReview:
		entity = Variable{Name: "review", Doc: "the review being checked", Fields: []Field{
			id("id", "review id"),
			id("order_id", "the order reviewed"),
			id("author_id", "reviewer's account id"),
			id("subject_id", "reviewed account's id"),
			count("rating", "1–5"),
			{Name: "text", Type: "string", size: 5000},
		}}
	default:
		return nil
	}
	return []Variable{
		entity,
		{Name: "account", Doc: "the account acting: seller, sender or reviewer", Fields: []Field{
			id("id", "account id"),
			{Name: "kind", Type: "string", Doc: "private or business", size: 20},
			count("age_days", "days since the account was created"),
			{Name: "verified", Type: "list(string)", Doc: "what is verified: email, phone, identity, payment, business", size: 10},
			{Name: "country", Type: "string", Doc: "ISO 3166 country", size: 2},
			{Name: "tier", Type: "string", Doc: "enforcement tier: clear … blocked", size: 20},
			count("risk_score", "0–100"),
			count("listings_count", "listings created"),
			count("orders_count", "orders completed"),
			count("reviews_count", "reviews written"),
		}},
		{Name: "context", Doc: "counts and statistics around the entity", Fields: []Field{
			count("category_median_price", "median of the category's recent prices, minor units"),
			count("category_mad", "median absolute deviation of those prices, minor units"),
			count("category_samples", "how many recent prices the statistics cover"),
			count("new_conversations_last_hour", "conversations the sender started in the last hour"),
			count("listings_last_24h", "listings the seller created in the last 24h"),
			count("reviews_for_subject_last_24h", "reviews the reviewed account received in the last 24h"),
			count("hours_since_delivery", "hours since the reviewed order was delivered"),
			count("open_reports", "open reports against the account"),
		}},
		{Name: "findings", Doc: "the detectors' findings so far", List: true, size: 100, Fields: []Field{
			{Name: "code", Type: "string", Doc: "finding code, e.g. contact.phone", size: 64},
			{Name: "field", Type: "string", Doc: "where it was found", size: 64},
			{Name: "value", Type: "string", Doc: "normalised value", size: 256},
			{Name: "match", Type: "string", Doc: "evidence as written", size: 256},
			{Name: "threshold", Type: "string", Doc: "limit compared with", size: 256},
		}},
	}
}

// celType is the variable's declared CEL type. Maps of dyn rather than
// typed objects, so that a missing field is an evaluation error (the rule
// does not fire) instead of a zero value that could make it fire.
func (v Variable) celType() *cel.Type {
	m := cel.MapType(cel.StringType, cel.DynType)
	if v.List {
		return cel.ListType(m)
	}
	return m
}

// sample is a value of the variable's documented types, with every field
// set: a string "x", an int 1, false, a one-element list, an empty map.
func (v Variable) sample() any {
	fields := map[string]any{}
	for _, f := range v.Fields {
		switch f.Type {
		case "string":
			fields[f.Name] = "x"
		case "int":
			fields[f.Name] = 1
		case "bool":
			fields[f.Name] = false
		case "list(string)":
			fields[f.Name] = []any{"x"}
		default:
			fields[f.Name] = map[string]any{}
		}
	}
	if v.List {
		return []any{fields}
	}
	return fields
}

// field returns the named field, or nil.
func (v Variable) field(name string) *Field {
	for i := range v.Fields {
		if v.Fields[i].Name == name {
			return &v.Fields[i]
		}
	}
	return nil
}

// FindingVars converts findings to the value of the findings variable.
func FindingVars(findings []detect.Finding) []any {
	out := make([]any, len(findings))
	for i, f := range findings {
		out[i] = map[string]any{"code": f.Code, "field": f.Field, "value": f.Value, "match": f.Match, "threshold": f.Threshold}
	}
	return out
}

// listingFields are the names listing.required_fields may use.
func listingFields() []string {
	vars := Variables(CheckListing)
	names := make([]string, len(vars[0].Fields))
	for i, f := range vars[0].Fields {
		names[i] = f.Name
	}
	return names
}
