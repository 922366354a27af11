package policy

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Compiled is a validated policy document with its rules compiled: the
// effective policy of every category it names, and of every other
// category, ready to evaluate. It is immutable and safe for concurrent use;
// compile once per policy change, not per request.
type Compiled struct {
	base       *layer
	categories map[string]*layer
}

// layer is the effective policy of one category and its compiled rules.
type layer struct {
	policy *Policy
	rules  map[Check][]*program
}

// Compile validates a document and compiles its rules. A nil document
// compiles the defaults. The error is [Problems] when a value is out of
// range, an enum value unknown, or a rule does not compile, is not a bool,
// reads an unknown field or costs more than [MaxRuleCost].
func Compile(doc *Document) (*Compiled, error) {
	c, probs := compile(doc)
	if len(probs) > 0 {
		return nil, probs.tidy()
	}
	return c, nil
}

func compile(doc *Document) (*Compiled, Problems) {
	if doc == nil {
		doc = &Document{}
	}
	rc, err := newRuleCompiler()
	if err != nil {
		return nil, Problems{{Message: err.Error()}}
	}
	var probs Problems
	build := func(category string) *layer {
		p := Resolve(doc, category)
		l := &layer{policy: p, rules: map[Check][]*program{}}
		for _, prob := range validate(p) {
			probs = append(probs, doc.locate(category, prob))
		}
		for i := range p.Rules {
			r := &p.Rules[i]
			if r.Check.Outcomes() == nil || strings.TrimSpace(r.Expr) == "" {
				continue // validate reported it
			}
			c := rc.compile(r)
			for _, e := range c.probs {
				msg := fmt.Sprintf("rule %q: %s", r.Name, e.message)
				probs = append(probs, doc.locateExpr(category, fmt.Sprintf("rules[%d].expr", i), e.line, e.column, msg))
			}
			if c.prg != nil {
				l.rules[r.Check] = append(l.rules[r.Check], &program{rule: r, prg: c.prg})
			}
		}
		return l
	}
	c := &Compiled{base: build(""), categories: map[string]*layer{}}
	for _, name := range doc.Categories() {
		c.categories[name] = build(name)
	}
	return c, probs
}

func (c *Compiled) layer(category string) *layer {
	if l, ok := c.categories[category]; ok {
		return l
	}
	return c.base
}

// Categories returns the categories the document overrides, sorted; every
// other category has the marketplace-wide policy.
func (c *Compiled) Categories() []string { return slices.Sorted(maps.Keys(c.categories)) }

// Policy returns the effective policy of category; a category the
// document does not name gets the marketplace-wide policy. The result is
// shared: read it, do not modify it.
func (c *Compiled) Policy(category string) *Policy { return c.layer(category).policy }

// Evaluate runs the rules of check that apply to category against vars,
// which holds the variables of [Variables] (maps, lists and scalars, as
// decoded from JSON; ints for counts and money). It returns the rules that
// fired, shadow ones marked Shadow, and the rules that could not be
// evaluated, with Err set and Fired false: a rule reading data the caller
// did not supply does not fire (R-P1).
func (c *Compiled) Evaluate(check Check, category string, vars map[string]any) []RuleHit {
	progs := c.layer(category).rules[check]
	if len(progs) == 0 {
		return nil
	}
	if vars == nil {
		vars = map[string]any{}
	}
	var hits []RuleHit
	for _, p := range progs {
		if !p.rule.appliesTo(category) {
			continue
		}
		if hit, ok := p.eval(vars); ok {
			hits = append(hits, hit)
		}
	}
	return hits
}
