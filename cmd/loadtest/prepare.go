package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"bandoso/geo"
)

// getJSON decodes the JSON answer to GET base+path into v; any status but 200 is an error.
func getJSON(ctx context.Context, hc *http.Client, base, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return fmt.Errorf("GET %s: %s: %s", path, resp.Status, body)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	return nil
}

// featureCollection is the part of an OGC API items page read here.
type featureCollection struct {
	Features []feature `json:"features"`
}

type feature struct {
	ID         json.RawMessage `json:"id"`
	Properties map[string]any  `json:"properties"`
}

// cityBounds reads the extent of the tiles from their TileJSON.
func cityBounds(ctx context.Context, hc *http.Client, base, layers string) (orb.Bound, error) {
	var tj struct {
		Bounds geojson.BBox `json:"bounds"`
	}
	if err := getJSON(ctx, hc, base, "/tiles/"+layers+".json", &tj); err != nil {
		return orb.Bound{}, err
	}
	if len(tj.Bounds) != 4 || !geo.IsDegreesBox(tj.Bounds.Bound()) {
		return orb.Bound{}, fmt.Errorf("TileJSON of %s has no usable bounds: %v", layers, tj.Bounds)
	}
	return tj.Bounds.Bound(), nil
}

// parcelIDs collects the ids of parcels found in pages boxes at random places.
func parcelIDs(ctx context.Context, hc *http.Client, base string, b orb.Bound, pages int, seed uint64) ([]string, error) {
	var ids []string
	err := randomPages(ctx, hc, base, "parcels", 20, b, pages, rand.New(rand.NewPCG(seed, 0x9a7c)), func(f feature) error {
		ids = append(ids, strings.Trim(string(f.ID), `"`))
		return nil
	})
	return ids, err
}

// randomPages reads pages of collection in 200 m boxes at random places in b and hands
// each feature to f.
func randomPages(ctx context.Context, hc *http.Client, base, collection string, limit int, b orb.Bound, pages int, r *rand.Rand, f func(feature) error) error {
	for range pages {
		var fc featureCollection
		path := "/ogc/collections/" + collection + "/items?limit=" + strconv.Itoa(limit) + "&bbox=" + bboxParam(randomBox(r, b, 200, 200))
		if err := getJSON(ctx, hc, base, path, &fc); err != nil {
			return err
		}
		for _, feat := range fc.Features {
			if err := f(feat); err != nil {
				return err
			}
		}
	}
	return nil
}

// geocodeTexts writes real addresses, found in boxes at random places, as people type them:
// house number and street name, and every other one with the ward's name after it.
func geocodeTexts(ctx context.Context, hc *http.Client, base string, b orb.Bound, pages int, seed uint64) ([]string, error) {
	var wards featureCollection
	if err := getJSON(ctx, hc, base, "/ogc/collections/wards/items?limit=10000", &wards); err != nil {
		return nil, err
	}
	wardNames := map[string]string{}
	for _, f := range wards.Features {
		wardNames[str(f.Properties["code"])] = str(f.Properties["name"])
	}
	streetNames := map[string]string{}
	var texts []string
	err := randomPages(ctx, hc, base, "addresses", 5, b, pages, rand.New(rand.NewPCG(seed, 0x6e0c)), func(f feature) error {
		number, streetID := str(f.Properties["house_number"]), str(f.Properties["street_id"])
		if number == "" || streetID == "" {
			return nil
		}
		street, ok := streetNames[streetID]
		if !ok {
			var sf feature
			if err := getJSON(ctx, hc, base, "/ogc/collections/streets/items/"+streetID, &sf); err != nil {
				return err
			}
			street = str(sf.Properties["name"])
			streetNames[streetID] = street
		}
		if street == "" {
			return nil
		}
		text := number + " " + street
		if ward := wardNames[str(f.Properties["ward_code"])]; ward != "" && len(texts)%2 == 0 {
			text += ", " + ward
		}
		texts = append(texts, text)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return texts, nil
}

// str writes a JSON property as text: strings as they are, numbers without exponent.
func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprint(v)
	}
}
