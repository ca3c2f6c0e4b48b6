package migration

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestLoad(t *testing.T) {
	for _, tt := range []struct {
		name    string
		files   []string
		want    []int
		wantErr bool
	}{
		{"in order", []string{"0002_b.sql", "0001_a.sql", "0003_c.sql"}, []int{1, 2, 3}, false},
		{"none", nil, nil, false},
		{"gap", []string{"0001_a.sql", "0003_c.sql"}, nil, true},
		{"duplicate number", []string{"0001_a.sql", "0001_b.sql"}, nil, true},
		{"no number", []string{"init.sql"}, nil, true},
		{"zero", []string{"0000_a.sql"}, nil, true},
		{"not sql", []string{"0001_a.txt"}, nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"m": &fstest.MapFile{Mode: 0o755 | 1<<31}}
			for _, f := range tt.files {
				fsys["m/"+f] = &fstest.MapFile{Data: []byte("-- " + f)}
			}
			ms, err := Load(fsys, "m")
			if (err != nil) != tt.wantErr {
				t.Fatalf("Load: error %v, want error: %v", err, tt.wantErr)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.Version)
				if m.SQL != "-- "+m.Name {
					t.Errorf("%s: SQL %q", m.Name, m.SQL)
				}
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("versions (-got +want):\n%s", diff)
			}
		})
	}
}
