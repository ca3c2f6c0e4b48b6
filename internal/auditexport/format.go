package auditexport

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Format is how records are written.
type Format string

// The formats.
const (
	JSONLines Format = "jsonl" // one JSON object a line
	CSV       Format = "csv"   // a header line, then one line a record
)

// columns are the CSV columns, in order, with each record's value.
var columns = []struct {
	name  string
	value func(r Record) string
}{
	{"id", func(r Record) string { return strconv.FormatInt(r.ID, 10) }},
	{"at", func(r Record) string { return r.At.Format(time.RFC3339Nano) }},
	{"request_id", func(r Record) string { return r.RequestID }},
	{"actor", func(r Record) string { return r.Actor }},
	{"kind", func(r Record) string { return r.Kind }},
	{"requester", func(r Record) string { return r.Requester }},
	{"action", func(r Record) string { return r.Action }},
	{"pool", func(r Record) string { return r.Pool }},
	{"target", func(r Record) string { return r.Target }},
	{"rule", func(r Record) string { return r.Rule }},
	{"outcome", func(r Record) string { return r.Outcome }},
	{"aws_request_id", func(r Record) string { return r.AWSRequestID }},
	{"detail", func(r Record) string { return r.Detail }},
}

// writer writes records in one format.
type writer interface {
	write(r Record) error
	flush() error
}

// newWriter returns the writer of a format.
func newWriter(f Format, w io.Writer) (writer, error) {
	switch f {
	case JSONLines:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return jsonWriter{enc}, nil
	case CSV:
		cw := csv.NewWriter(w)
		header := make([]string, len(columns))
		for i, c := range columns {
			header[i] = c.name
		}
		if err := cw.Write(header); err != nil {
			return nil, fmt.Errorf("write the CSV header: %w", err)
		}
		return &csvWriter{w: cw, row: make([]string, len(columns))}, nil
	}
	return nil, fmt.Errorf("format %q is not jsonl or csv", f)
}

type jsonWriter struct{ enc *json.Encoder }

func (j jsonWriter) write(r Record) error { return j.enc.Encode(r) }
func (jsonWriter) flush() error           { return nil }

type csvWriter struct {
	w   *csv.Writer
	row []string
}

func (c *csvWriter) write(r Record) error {
	for i, col := range columns {
		c.row[i] = safeCell(col.value(r))
	}
	return c.w.Write(c.row)
}

func (c *csvWriter) flush() error {
	c.w.Flush()
	return c.w.Error()
}

// safeCell keeps a cell from being read as a formula by a spreadsheet (text people typed
// lands in the detail): a leading =, +, - or @ gets a quote in front.
func safeCell(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}
