package policy

import (
	"bytes"
	"encoding"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Document is a parsed marketplace policy document: marketplace-wide
// overrides of the defaults and per-category overrides on top of them.
// It is immutable; [Resolve] and [Compile] read it.
type Document struct {
	// base holds the marketplace-wide keys (everything but categories).
	base *yaml.Node
	// categories holds each category's keys.
	categories map[string]*yaml.Node
	// pos maps the path of every value the document sets
	// ("listing.price.min", "categories.cars.rules[0].expr") to where it
	// is set, so that problems found after merging point at the YAML.
	pos map[string]position
	// lines are the source lines, to find where a block scalar's text
	// starts.
	lines []string
}

// position is where a value node is in the source.
type position struct {
	line, column int
	style        yaml.Style
}

// categoriesKey is the document key that holds per-category overrides.
const categoriesKey = "categories"

// Parse parses a policy document. Every key is optional; see the package
// documentation for the shape and how layers merge. The error is
// [Problems], with line numbers, when the YAML is malformed, has unknown
// keys or values of the wrong type. Parse does not validate values or
// compile rules: [Compile] does.
func Parse(data []byte) (*Document, error) {
	doc, probs := parse(data)
	if len(probs) > 0 {
		return nil, probs.tidy()
	}
	return doc, nil
}

// parse is Parse that also returns the document when it has problems, so
// that Lint can go on to find the problems of the keys that did parse.
func parse(data []byte) (*Document, Problems) {
	doc := &Document{
		base:       &yaml.Node{Kind: yaml.MappingNode},
		categories: map[string]*yaml.Node{},
		pos:        map[string]position{},
		lines:      strings.Split(string(data), "\n"),
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, Problems{syntaxProblem(err, data)}
	}
	if len(root.Content) == 0 {
		return doc, nil // an empty document keeps every default
	}
	top := deref(root.Content[0])
	if isNull(top) {
		return doc, nil
	}
	m := &merger{pos: doc.pos}
	if top.Kind != yaml.MappingNode {
		m.fail(top, "", "a policy document is a mapping of sections (listing:, message:, review:, outcomes:, rules:, categories: …), got %s", describeNode(top))
		return nil, m.problems
	}
	doc.base.Line, doc.base.Column = top.Line, top.Column
	var categories *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Value != categoriesKey {
			doc.base.Content = append(doc.base.Content, k, v)
			continue
		}
		if categories != nil {
			m.fail(k, "", "%q is set twice (first on line %d)", categoriesKey, categories.Line)
			continue
		}
		categories = k
		m.categories(deref(v), doc.categories)
	}
	// Merging into the defaults is the type check: it reports unknown keys
	// and wrong types, and records positions.
	m.value(doc.base, reflect.ValueOf(Default()).Elem(), "")
	for _, name := range doc.Categories() {
		p := Resolve(&Document{base: doc.base}, "")
		m.value(doc.categories[name], reflect.ValueOf(p).Elem(), categoriesKey+"."+name)
	}
	return doc, m.problems
}

// Categories returns the categories the document overrides, sorted.
func (d *Document) Categories() []string {
	if d == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(d.categories))
}

// Resolve returns the effective policy of category: the defaults, then the
// document's marketplace-wide keys, then the category's keys, field by
// field. A category the document does not mention gets the marketplace-wide
// policy; a nil document gives the defaults. The result is not validated:
// use [Compile] for that.
func Resolve(doc *Document, category string) *Policy {
	p := Default()
	if doc == nil {
		return p
	}
	v := reflect.ValueOf(p).Elem()
	var m merger // Parse has reported its problems already
	if doc.base != nil {
		m.value(doc.base, v, "")
	}
	if n, ok := doc.categories[category]; ok {
		m.value(n, v, "")
	}
	return p
}

// Marshal renders a policy as YAML, in the document shape Parse reads; it
// is how GET /v1/policy and the console show an effective policy.
func Marshal(p *Policy) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	var n yaml.Node
	if err := n.Encode(p); err != nil {
		return nil, fmt.Errorf("marshal policy: %w", err)
	}
	markRemoved(&n, reflect.ValueOf(p).Elem(), reflect.ValueOf(Default()).Elem())
	if err := enc.Encode(&n); err != nil {
		return nil, fmt.Errorf("marshal policy: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("marshal policy: %w", err)
	}
	return b.Bytes(), nil
}

// merger applies a YAML node onto a Go value field by field, checking keys
// and types as it goes. It keeps going after a problem, so that one pass
// reports them all.
type merger struct {
	problems Problems
	// pos, when not nil, receives the position of every value set.
	pos map[string]position
}

func (m *merger) fail(n *yaml.Node, path, format string, args ...any) {
	m.problems = append(m.problems, Problem{Line: n.Line, Column: n.Column, Path: path, Message: fmt.Sprintf(format, args...)})
}

func (m *merger) mark(n *yaml.Node, path string) {
	if m.pos != nil {
		m.pos[path] = position{line: n.Line, column: n.Column, style: n.Style}
	}
}

// categories collects the category sections of a document.
func (m *merger) categories(n *yaml.Node, into map[string]*yaml.Node) {
	if n.Kind != yaml.MappingNode {
		m.fail(n, categoriesKey, "want a mapping of category names to overrides (cars: {listing: …}), got %s", describeNode(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		switch {
		case k.Kind != yaml.ScalarNode || strings.TrimSpace(k.Value) == "":
			m.fail(k, categoriesKey, "a category name must be plain text")
		case into[k.Value] != nil:
			m.fail(k, categoriesKey, "category %q is set twice (first on line %d)", k.Value, into[k.Value].Line)
		case isNull(v):
			m.fail(v, categoriesKey+"."+k.Value, "category %q has no overrides; give some, or remove it", k.Value)
		default:
			m.mark(v, categoriesKey+"."+k.Value)
			into[k.Value] = v
		}
	}
}

// value applies n onto v, which must be addressable.
func (m *merger) value(n *yaml.Node, v reflect.Value, path string) {
	n = deref(n)
	if isNull(n) {
		m.fail(n, path, "has no value; give one, or remove the key to keep the inherited value")
		return
	}
	m.mark(n, path)
	if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		if n.Kind != yaml.ScalarNode {
			m.fail(n, path, "want %s, got %s", describeType(v.Type()), describeNode(n))
		} else if err := u.UnmarshalText([]byte(n.Value)); err != nil {
			m.fail(n, path, "%v", err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		m.structure(n, v, path)
	case reflect.Map:
		m.mapping(n, v, path)
	case reflect.Slice:
		m.sequence(n, v, path, false)
	default:
		m.scalar(n, v, path)
	}
}

// structure applies a mapping onto a struct: each key sets its field, and
// "key+" appends to a list field.
func (m *merger) structure(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		m.fail(n, path, "want %s, got %s", describeType(v.Type()), describeNode(n))
		return
	}
	fields := yamlFields(v.Type())
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		name, add := strings.CutSuffix(k.Value, "+")
		if first, dup := seen[name]; dup {
			m.fail(k, path, "%q is set twice (first on line %d)", name, first)
			continue
		}
		seen[name] = k.Line
		index, ok := fields.index[name]
		if !ok {
			m.fail(k, path, "%s", unknownKey(k.Value, path, fields.names))
			continue
		}
		child, f := join(path, name), v.FieldByIndex(index)
		if !add {
			m.value(val, f, child)
			continue
		}
		if f.Kind() != reflect.Slice {
			m.fail(k, path, "%q appends to a list, but %s is %s", k.Value, child, describeType(f.Type()))
			continue
		}
		m.sequence(val, f, child, true)
	}
}

// mapping applies a mapping onto a Go map key by key: an existing entry is
// merged field by field, null removes it, and "key+" appends to a list
// entry.
func (m *merger) mapping(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		m.fail(n, path, "want %s, got %s", describeType(v.Type()), describeNode(n))
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	elemType := v.Type().Elem()
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			m.fail(k, path, "keys must be plain, non-empty text")
			continue
		}
		key, add := k.Value, false
		if elemType.Kind() == reflect.Slice {
			key, add = strings.CutSuffix(key, "+")
		}
		if first, dup := seen[key]; dup {
			m.fail(k, path, "%q is set twice (first on line %d)", key, first)
			continue
		}
		seen[key] = k.Line
		child, kv := path+mapKey(key), reflect.ValueOf(key)
		if isNull(val) && !add {
			v.SetMapIndex(kv, reflect.Value{})
			continue
		}
		elem := reflect.New(elemType).Elem()
		if old := v.MapIndex(kv); old.IsValid() {
			elem.Set(old)
		}
		if add {
			m.sequence(val, elem, child, true)
		} else {
			m.value(val, elem, child)
		}
		v.SetMapIndex(kv, elem)
	}
}

// sequence replaces a slice with the items of n, or appends them.
func (m *merger) sequence(n *yaml.Node, v reflect.Value, path string, add bool) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		m.fail(n, path, "want a list ([a, b] or lines starting with \"- \"), got %s", describeNode(n))
		return
	}
	m.mark(n, path)
	out := reflect.MakeSlice(v.Type(), 0, len(n.Content))
	if add {
		// A fresh slice, so the inherited list is never written through.
		out = reflect.AppendSlice(reflect.MakeSlice(v.Type(), 0, v.Len()+len(n.Content)), v)
	}
	first := out.Len()
	for i, item := range n.Content {
		elem := reflect.New(v.Type().Elem()).Elem()
		m.value(item, elem, fmt.Sprintf("%s[%d]", path, first+i))
		out = reflect.Append(out, elem)
	}
	if out.Len() == 0 {
		out = reflect.Zero(v.Type()) // an empty list is nil, as in Default
	}
	v.Set(out)
}

// scalar decodes a scalar into a bool, number or string.
func (m *merger) scalar(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		m.fail(n, path, "want %s, got %s", describeType(v.Type()), describeNode(n))
		return
	}
	tmp := reflect.New(v.Type())
	if err := n.Decode(tmp.Interface()); err != nil {
		hint := ""
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			hint = " (remove the quotes)"
		}
		m.fail(n, path, "want %s, got %s%s", describeType(v.Type()), describeNode(n), hint)
		return
	}
	v.Set(tmp.Elem())
}

// fieldSet is a struct's YAML keys.
type fieldSet struct {
	index map[string][]int
	names []string
}

// yamlFields lists a struct's YAML keys, including those of inlined
// structs.
func yamlFields(t reflect.Type) fieldSet {
	fs := fieldSet{index: map[string][]int{}}
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			index := append(slices.Clone(prefix), i)
			if opts == "inline" {
				walk(f.Type, index)
				continue
			}
			if name == "" || name == "-" {
				continue
			}
			fs.index[name] = index
			fs.names = append(fs.names, name)
		}
	}
	walk(t, nil)
	return fs
}

// unknownKey explains an unknown key, suggesting the closest known one.
func unknownKey(key, path string, known []string) string {
	where := "" // the problem's path says where
	if path == "" {
		where = " at the top level"
		known = append(slices.Clone(known), categoriesKey)
	}
	if key == "<<" {
		return "YAML merge keys (<<) are not supported; write the keys out"
	}
	if s := suggest(strings.TrimSuffix(key, "+"), known); s != "" {
		return fmt.Sprintf("unknown key %q%s; did you mean %q?", key, where, s)
	}
	return fmt.Sprintf("unknown key %q%s; the keys are %s", key, where, strings.Join(known, ", "))
}

// suggest returns the candidate closest to word when it is close enough to
// be a likely typo or a shortened name.
func suggest(word string, candidates []string) string {
	best, bestDist := "", len(word)/3+2
	for _, c := range candidates {
		d := editDistance(word, c)
		if len(word) >= 4 && strings.HasPrefix(c, word) {
			d = min(d, 1) // category_median → category_median_price
		}
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// describeType says in words what a value of t looks like in YAML.
func describeType(t reflect.Type) string {
	if t == reflect.TypeFor[Duration]() {
		return "a duration such as 24h or 7d"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "text"
	case reflect.Slice:
		return "a list"
	default:
		return "a mapping (key: value)"
	}
}

// describeNode says in words what a YAML node is.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return strconv.Quote(n.Value)
	}
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// join appends a struct key to a path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// mapKey renders a map key as a path element: .key when it reads as a
// name, ["key"] otherwise ("contact.", "*").
func mapKey(key string) string {
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return "[" + strconv.Quote(key) + "]"
		}
	}
	return "." + key
}

// parent is the path one level up; "" at the top.
func parent(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

// find returns where the document sets path (a path of the resolved
// policy of category), or the nearest enclosing value it sets, with the
// path as the document spells it.
func (d *Document) find(category, path string) (string, position, bool) {
	prefixes := []string{""}
	if category != "" {
		prefixes = []string{categoriesKey + "." + category + ".", ""}
	}
	for p := path; p != ""; p = parent(p) {
		for _, pre := range prefixes {
			if pos, ok := d.pos[pre+p]; ok {
				return pre + path, pos, true
			}
		}
	}
	return prefixes[0] + path, position{}, false
}

// locate gives a problem found in the resolved policy of category the
// position and path of the YAML that caused it.
func (d *Document) locate(category string, p Problem) Problem {
	path, pos, _ := d.find(category, p.Path)
	p.Path, p.Line, p.Column = path, pos.line, pos.column
	return p
}

// locateExpr places a problem at line and column (1-based line, 0-based
// column, as CEL reports them) of the expression at path. Exact for
// single-line and literal block (|) scalars; other styles refold the text,
// so the problem points at the expression's start.
func (d *Document) locateExpr(category, path string, line, column int, message string) Problem {
	full, pos, _ := d.find(category, path)
	p := Problem{Path: full, Line: pos.line, Column: pos.column, Message: message}
	switch {
	case pos.style&yaml.LiteralStyle != 0:
		// The text starts on the line after the "|"; its first line sets
		// the indentation YAML strips from every line.
		if pos.line < len(d.lines) {
			first := d.lines[pos.line]
			indent := len(first) - len(strings.TrimLeft(first, " "))
			p.Line, p.Column = pos.line+line, indent+column+1
		}
	case line != 1 || pos.style&yaml.FoldedStyle != 0:
	case pos.style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		p.Column = pos.column + 1 + column
	default:
		p.Column = pos.column + column
	}
	return p
}
