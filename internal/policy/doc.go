// Package policy owns a marketplace's trust & safety policy: the built-in
// defaults (every threshold SPEC names, see [Default]), the YAML document a
// marketplace uses to override them per marketplace and per category
// ([Parse], [Resolve]), custom rules written in CEL ([Compile],
// [Compiled.Evaluate]), the mapping from detector findings and rule hits to
// an outcome ([Compiled.Outcome]), linting for people editing the YAML
// ([Lint]) and the YAML rendering of an effective policy ([Marshal]).
//
// The package is pure: it parses the bytes it is given and does no other
// I/O. Detectors do not import it (it imports detect for the Finding type);
// the service layer reads thresholds from the resolved [Policy] and hands
// them to the detectors.
//
// # Document shape
//
// A policy document has the shape of [Policy] plus a categories section;
// every key is optional:
//
//	review:
//	  min_length: 80                  # overrides the default 50
//	listing:
//	  blocklist: [replica]
//	categories:
//	  cars:                           # applied on top of the keys above
//	    listing:
//	      manual_review: true
//	      blocklist+: [tachojustierung] # key+ appends to the inherited list
//
// Layers apply field by field: built-in defaults, then the marketplace-wide
// keys, then the category's keys. A key absent from a layer keeps the value
// below it. Lists replace the inherited list, unless the key ends in "+",
// which appends. Maps merge key by key (outcomes.listing["price."] replaces
// only that entry, and only the fields it names); a map entry set to null
// is removed. Unknown keys and values of the wrong type are errors with
// their line and column.
//
// # Outcomes
//
// Every check has an ordered set of outcomes, least severe first (see
// [Check.Outcomes]); the worst outcome over all findings and acted-on rule
// hits wins. outcomes.<check> maps a finding code to a [Verdict]: an exact
// code ("link.phishing") beats the longest matching prefix ending in a dot
// ("contact."), which beats the fallback "*".
//
// # Custom rules
//
// A rule is a CEL expression that must be a bool. It sees one entity
// variable named after its check (listing, message or review) and the shared
// variables account, context and findings; [Variables] lists their fields.
// Entities are maps, so a rule that reads a field the caller did not supply
// fails to evaluate and does not fire (R-P1: no data, no fire); the failure
// is returned with the hit. has_finding("contact.") is true when a finding
// with that code, or under that prefix, is present. Rules are type-checked
// and cost-checked when the policy is compiled; at run time a rule that
// exceeds [MaxRuleCost] stops and does not fire. A shadow rule is evaluated
// and reported but never contributes to an outcome.
package policy
