package ingest

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// osmRelation is a multipolygon kept from the first pass until its member ways are known.
type osmRelation struct {
	ID    int64
	Tags  osm.Tags
	Ways  []int64
	Roles []string
}

// relationPass is the first pass over the file: it keeps, in a temporary file, the
// multipolygons that yield records, and returns the ids of their member ways, which the main
// pass keeps, the file's bounds when it states them, and the number of relations read.
func relationPass(path, dir string, progress func(int64)) (rels *spill, wayIDs []int64, bounds *orb.Bound, count int64, err error) {
	f, err := openOSMFile(path, passRelations, progress)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	defer f.close()
	if rels, err = newSpill(dir, "bandoso-osm-relations-*"); err != nil {
		return nil, nil, nil, 0, err
	}
	bounds, wayIDs, count, err = keepMultipolygons(f, gob.NewEncoder(rels))
	if err != nil {
		rels.close()
		return nil, nil, nil, 0, err
	}
	return rels, wayIDs, bounds, count, nil
}

// keepMultipolygons encodes the file's multipolygons that yield records.
func keepMultipolygons(f *osmFile, enc *gob.Encoder) (bounds *orb.Bound, wayIDs []int64, count int64, err error) {
	bounds = f.bounds
	for {
		o, err := f.scan()
		if err != nil || o == nil {
			return bounds, wayIDs, count, err
		}
		switch o := o.(type) {
		case *osm.Bounds:
			bounds = boundOf(o)
		case *osm.Relation:
			count++
			if o.Tags.Find("type") != "multipolygon" || len(classifyOSM(o.Tags, shapeArea)) == 0 {
				continue
			}
			rel := osmRelation{ID: int64(o.ID), Tags: o.Tags}
			for _, m := range o.Members {
				if m.Type == osm.TypeWay {
					rel.Ways = append(rel.Ways, m.Ref)
					rel.Roles = append(rel.Roles, m.Role)
				}
			}
			wayIDs = append(wayIDs, rel.Ways...)
			if err := enc.Encode(&rel); err != nil {
				return nil, nil, 0, fmt.Errorf("ingest: keeping relations: %w", err)
			}
		}
	}
}

// relationReader reads back what relationPass kept.
type relationReader struct {
	dec *gob.Decoder
}

func newRelationReader(rels *spill) (*relationReader, error) {
	r, err := rels.reader()
	if err != nil {
		return nil, err
	}
	return &relationReader{dec: gob.NewDecoder(r)}, nil
}

// next returns the next relation, or io.EOF.
func (r *relationReader) next() (osmRelation, error) {
	var rel osmRelation
	err := r.dec.Decode(&rel)
	if err != nil && !errors.Is(err, io.EOF) {
		err = fmt.Errorf("ingest: reading kept relations: %w", err)
	}
	return rel, err
}
