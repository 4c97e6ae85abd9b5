package api

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// A hostile body nested thousands of levels deep is refused at the depth limit, naming where,
// instead of being walked level by level with an ever longer member path.
func TestCheckMembersDepth(t *testing.T) {
	type body struct {
		Properties map[string]any `json:"properties"`
	}
	deep := strings.Repeat(`{"a":`, 50_000) + "1" + strings.Repeat("}", 50_000)
	for _, raw := range []string{strings.Repeat("[", 100_000), `{"properties":` + deep + `}`} {
		err := checkMembers([]byte(raw), reflect.TypeFor[body]())
		var pe *ParamError
		if !errors.As(err, &pe) || !strings.Contains(pe.Error(), "nested deeper than") || len(pe.Param) > 4*maxBodyDepth {
			t.Errorf("%.20s…: %v, want refused at depth %d", raw, err, maxBodyDepth)
		}
	}
	if err := checkMembers([]byte(`{"properties":{"a":[[[[1,2]]]]}}`), reflect.TypeFor[body]()); err != nil {
		t.Errorf("a shallow body: %v", err)
	}
}
