package policy

import (
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// markRemoved adds to n, the YAML of v, a null entry for every map entry
// that def (the defaults v was resolved from) has and v lacks. Parse
// merges maps key by key onto the defaults, and a null entry removes
// one: without these, entries a document removed would come back when
// Marshal's output is parsed again.
func markRemoved(n *yaml.Node, v, def reflect.Value) {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			name, opts, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			switch {
			case opts == "inline":
				markRemoved(n, v.Field(i), def.Field(i))
			case name != "" && name != "-":
				if child := valueOf(n, name); child != nil {
					markRemoved(child, v.Field(i), def.Field(i))
				}
			}
		}
	case reflect.Map:
		keys := def.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			if cur := v.MapIndex(k); cur.IsValid() {
				if child := valueOf(n, k.String()); child != nil {
					markRemoved(child, cur, def.MapIndex(k))
				}
				continue
			}
			n.Content = append(n.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.String()},
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"})
		}
	}
}

// valueOf returns the value of key in the mapping n, or nil.
func valueOf(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
