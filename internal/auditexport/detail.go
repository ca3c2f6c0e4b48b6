package auditexport

import "strings"

// parseDetail reads what an event about no stored request names in its detail, which the
// workflow writes as "action=A pool=P target=T[ more=…][: why]". Unknown keys are skipped;
// what is missing stays empty.
func parseDetail(detail string) subject {
	head, _, _ := strings.Cut(detail, ": ")
	var s subject
	for field := range strings.FieldsSeq(head) {
		k, v, ok := strings.Cut(field, "=")
		if !ok {
			continue
		}
		switch k {
		case "action":
			s.Action = v
		case "pool":
			s.Pool = v
		case "target":
			s.Target = v
		}
	}
	return s
}
