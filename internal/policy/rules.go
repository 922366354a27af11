package policy

import (
	"fmt"
	"slices"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/parser"
)

// MaxRuleCost bounds a rule's cost, in CEL cost units (about one per
// operation, one per ten characters scanned or copied): a rule whose static
// estimate exceeds it is rejected when the policy is compiled, and an
// evaluation that reaches it stops and does not fire. The estimate assumes
// the sizes in [Variables] (descriptions up to 10,000 characters, 100
// findings, 50 images). 100,000 (tens of microseconds) allows several scans
// of every text field and a loop over findings or images, but not a loop
// over findings nested in another.
const MaxRuleCost = 100_000

// RuleHit is the result of evaluating one rule: it fired, or it could not
// be evaluated (Err says why; it did not fire).
type RuleHit struct {
	Rule string `json:"rule"`
	Verdict
	// Shadow hits are recorded and never acted on.
	Shadow bool `json:"shadow,omitempty"`
	Fired  bool `json:"fired"`
	// Err is why the rule could not be evaluated, e.g. "no such key:
	// price" when the caller had no price (R-P1: no data, no fire).
	Err string `json:"error,omitempty"`
}

// program is a compiled rule.
type program struct {
	rule *Rule
	prg  cel.Program
}

// ruleCompiler compiles rules, each distinct expression once.
type ruleCompiler struct {
	envs map[Check]*cel.Env
	vars map[Check]map[string]Variable
	// samples hold a value of the documented type for every field.
	samples map[Check]map[string]any
	sizes   map[string]uint64
	done    map[string]compiledExpr
}

type compiledExpr struct {
	prg   cel.Program
	probs []exprProblem
}

// exprProblem is a problem in an expression, at CEL's 1-based line and
// 0-based column.
type exprProblem struct {
	line, column int
	message      string
}

func newRuleCompiler() (*ruleCompiler, error) {
	rc := &ruleCompiler{
		envs:    map[Check]*cel.Env{},
		vars:    map[Check]map[string]Variable{},
		samples: map[Check]map[string]any{},
		sizes:   map[string]uint64{},
		done:    map[string]compiledExpr{},
	}
	common := []cel.EnvOption{
		// Prices are ints; let rules compare them with doubles.
		cel.CrossTypeNumericComparisons(true),
		// listing.?attributes.?garage.orValue(false)
		cel.OptionalTypes(),
		ext.Strings(),
		// Rejects malformed regular expressions and literals at load.
		cel.ExtendedValidations(),
		cel.Macros(cel.GlobalMacro("has_finding", 1, expandHasFinding)),
		cel.Function("code_matches",
			cel.Overload("code_matches_string_string", []*cel.Type{cel.StringType, cel.StringType}, cel.BoolType,
				cel.BinaryBinding(func(code, key ref.Val) ref.Val {
					c, ok1 := code.(types.String)
					k, ok2 := key.(types.String)
					if !ok1 || !ok2 {
						return types.MaybeNoSuchOverloadErr(code)
					}
					return types.Bool(codeMatches(string(c), string(k)))
				}))),
	}
	for _, c := range Checks() {
		opts := slices.Clone(common)
		vars, samples := map[string]Variable{}, map[string]any{}
		for _, v := range Variables(c) {
			opts = append(opts, cel.Variable(v.Name, v.celType()))
			vars[v.Name], samples[v.Name] = v, v.sample()
			rc.addSizes(v)
		}
		env, err := cel.NewEnv(opts...)
		if err != nil {
			return nil, fmt.Errorf("rule environment for %s: %w", c, err)
		}
		rc.envs[c], rc.vars[c], rc.samples[c] = env, vars, samples
	}
	return rc, nil
}

// expandHasFinding expands has_finding(key) to
// findings.exists(f, code_matches(f.code, key)).
func expandHasFinding(eh cel.MacroExprFactory, _ celast.Expr, args []celast.Expr) (celast.Expr, *common.Error) {
	const f = "__finding__"
	match := eh.NewCall("code_matches", eh.NewSelect(eh.NewIdent(f), "code"), args[0])
	return parser.MakeExists(eh, eh.NewIdent("findings"), []celast.Expr{eh.NewIdent(f), match})
}

// addSizes records the size bounds of a variable's fields under the paths
// the cost estimator asks about ("listing.title",
// "findings.@items.code").
func (rc *ruleCompiler) addSizes(v Variable) {
	prefix := v.Name + "."
	if v.List {
		rc.sizes[v.Name] = v.size
		rc.sizes[v.Name+".@items"] = uint64(len(v.Fields))
		prefix = v.Name + ".@items."
	}
	for _, f := range v.Fields {
		if f.size > 0 {
			rc.sizes[prefix+f.Name] = f.size
		}
	}
}

// EstimateSize implements cost.Estimator with the bounds of Variables;
// values it knows nothing of (attributes' values, list items) are assumed
// to hold up to 1,000 characters or entries.
func (rc *ruleCompiler) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	path := n.Path()
	if len(path) == 0 {
		return nil
	}
	size, ok := rc.sizes[strings.Join(path, ".")]
	if !ok {
		size = 1000
	}
	e := cost.RangedSizeEstimate(0, size)
	return &e
}

// EstimateCallCost implements cost.Estimator; CEL's own estimates apply.
func (rc *ruleCompiler) EstimateCallCost(string, string, *cost.AstNode, []cost.AstNode) *cost.CallEstimate {
	return nil
}

// compile compiles a rule's expression, or returns why it cannot be used.
func (rc *ruleCompiler) compile(r *Rule) compiledExpr {
	key := string(r.Check) + "\x00" + r.Expr
	if c, ok := rc.done[key]; ok {
		return c
	}
	c := rc.build(r.Check, r.Expr)
	rc.done[key] = c
	return c
}

func (rc *ruleCompiler) build(check Check, expr string) compiledExpr {
	env := rc.envs[check]
	a, iss := env.Compile(expr)
	if iss.Err() != nil {
		var probs []exprProblem
		for _, e := range iss.Errors() {
			probs = append(probs, exprProblem{e.Location.Line(), e.Location.Column(), e.Message})
		}
		return compiledExpr{probs: probs}
	}
	probs := rc.unknownFields(check, a)
	if t := a.OutputType(); !t.IsExactType(cel.BoolType) {
		msg := fmt.Sprintf("a rule must be true or false (a bool), but this expression is %s", t)
		if t.IsExactType(cel.DynType) {
			msg += "; compare the value, e.g. listing.attributes.garage == true"
		}
		probs = append(probs, exprProblem{1, 0, msg})
	}
	est, err := env.EstimateCost(a, rc)
	switch {
	case err != nil:
		probs = append(probs, exprProblem{1, 0, "cannot estimate the cost: " + err.Error()})
	case est.Max > MaxRuleCost:
		probs = append(probs, exprProblem{1, 0, fmt.Sprintf(
			"too expensive: it may cost up to %s, the limit is %d; loops (exists, all, map, filter) nested in loops multiply, so loop once or use has_finding",
			costText(est.Max), MaxRuleCost)})
	}
	if len(probs) > 0 {
		return compiledExpr{probs: probs}
	}
	prg, err := env.Program(a, cel.CostLimit(MaxRuleCost), cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return compiledExpr{probs: []exprProblem{{1, 0, err.Error()}}}
	}
	// Fields are dyn to the type checker, so "0.5 * listing.price" passes
	// it and then fails on every listing, int times double. A run on
	// values of the documented types catches such mistakes at load.
	if _, _, err := prg.Eval(rc.samples[check]); err != nil && strings.Contains(err.Error(), "no such overload") {
		return compiledExpr{probs: []exprProblem{{1, 0, fmt.Sprintf(
			"fails on values of the documented types (%v); CEL does not mix int and double in arithmetic: write double(x) * 0.5 or x / 2", err)}}}
	}
	return compiledExpr{prg: prg}
}

// costText renders a cost estimate; unbounded ones say so.
func costText(c uint64) string {
	if c > 1e15 {
		return "an unbounded amount"
	}
	return fmt.Sprintf("%d", c)
}

// unknownFields finds selections of fields the variables do not have:
// with map-typed variables CEL accepts any field name, and a misspelt one
// would quietly never fire.
func (rc *ruleCompiler) unknownFields(check Check, a *cel.Ast) []exprProblem {
	vars := rc.vars[check]
	native := a.NativeRep()
	var probs []exprProblem
	checkField := func(id int64, operand celast.Expr, name string) {
		if operand.Kind() != celast.IdentKind {
			return
		}
		v, ok := vars[operand.AsIdent()]
		if !ok || v.List || v.field(name) != nil {
			return
		}
		names := make([]string, len(v.Fields))
		for i, f := range v.Fields {
			names[i] = f.Name
		}
		msg := fmt.Sprintf("%s has no field %q; its fields are %s", v.Name, name, strings.Join(names, ", "))
		if s := suggest(name, names); s != "" {
			msg = fmt.Sprintf("%s has no field %q; did you mean %q?", v.Name, name, s)
		}
		loc := native.SourceInfo().GetStartLocation(id)
		probs = append(probs, exprProblem{loc.Line(), loc.Column(), msg})
	}
	celast.PreOrderVisit(native.Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		switch e.Kind() {
		case celast.SelectKind:
			s := e.AsSelect()
			checkField(e.ID(), s.Operand(), s.FieldName())
		case celast.CallKind:
			// listing["title"] and listing.?title
			c := e.AsCall()
			fn, args := c.FunctionName(), c.Args()
			if (fn == operators.Index || fn == operators.OptIndex || fn == operators.OptSelect) &&
				len(args) == 2 && args[1].Kind() == celast.LiteralKind {
				if s, ok := args[1].AsLiteral().(types.String); ok {
					checkField(e.ID(), args[0], string(s))
				}
			}
		}
	}))
	return probs
}

// eval runs a compiled rule.
func (p *program) eval(vars map[string]any) (RuleHit, bool) {
	hit := RuleHit{Rule: p.rule.Name, Verdict: p.rule.Verdict, Shadow: p.rule.Shadow}
	out, _, err := p.prg.Eval(vars)
	switch {
	case err != nil:
		hit.Err = err.Error()
	case out == types.True:
		hit.Fired = true
	default:
		return hit, false
	}
	return hit, true
}
