package api

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"bandoso/store"
)

// planningReport is the body of GET /v1/parcels/{id}/planning. Areas are square metres on
// the WGS84 ellipsoid, lengths metres; shares are percentages of the parcel's map area.
type planningReport struct {
	Parcel feature      `json:"parcel"`
	Ward   reportWards  `json:"ward"`
	Zones  []reportZone `json:"zones"`
	// ZonesSharePct is the sum of the zones' shares: 100 where plans cover the parcel.
	ZonesSharePct float64      `json:"zones_share_pct"`
	Roads         []reportRoad `json:"roads"`
}

type reportWards struct {
	Old *reportUnit  `json:"old"`
	New []reportUnit `json:"new"`
}

type reportUnit struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Succession string   `json:"succession,omitempty"`
	OverlapM2  *float64 `json:"overlap_m2,omitempty"`
	SharePct   *float64 `json:"share_pct,omitempty"`
}

type reportZone struct {
	ID           int64    `json:"zone_id"`
	Code         string   `json:"zone_code"`
	LandUse      string   `json:"land_use"`
	FunctionName string   `json:"function"`
	FAR          *float64 `json:"far"`
	DensityPct   *float64 `json:"density_pct"`
	FloorsMin    *int     `json:"floors_min"`
	FloorsMax    *int     `json:"floors_max"`
	HeightMaxM   *float64 `json:"height_max_m"`
	OverlapM2    float64  `json:"overlap_m2"`
	SharePct     float64  `json:"share_pct"`
	// Plan is absent when the plans layer is restricted and the request has no key.
	Plan *reportPlan `json:"plan,omitempty"`
}

type reportPlan struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	DecisionNo   string `json:"decision_no"`
	DecisionDate string `json:"decision_date"`
	ApprovedBy   string `json:"approved_by"`
	Scale        string `json:"scale"`
}

type reportRoad struct {
	ID            int64   `json:"id"`
	StreetID      *int64  `json:"street_id"`
	Street        string  `json:"street"`
	WidthM        float64 `json:"width_m"`
	PlanID        *int64  `json:"plan_id"`
	FrontageM     float64 `json:"frontage_m"`
	ReserveAreaM2 float64 `json:"reserve_area_m2"`
	// SharePct is the share of the parcel's map area inside the road reserve (lộ giới).
	SharePct float64 `json:"share_pct"`
}

// handleParcelPlanning serves GET /v1/parcels/{id}/planning: the parcel, its old and new
// wards, the planning zones it overlaps with their rules and plans, and the road boundaries
// it fronts.
func (s *Server) handleParcelPlanning(w http.ResponseWriter, r *http.Request) error {
	if err := s.needLayer(r, layerParcels); err != nil {
		return err
	}
	raw := pathParam(r, paramID)
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return &ParamError{paramID, "want a parcel id, a positive whole number"}
	}
	rep, err := s.DB.PlanningReport(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return &NotFoundError{What: "parcel", Name: raw}
	}
	if err != nil {
		return err
	}
	hidden, err := s.hiddenLayers(r)
	if err != nil {
		return err
	}
	return writeJSON(w, mediaJSON, newPlanningReport(withoutHidden(rep, hidden), !hidden[layerPlans]))
}

// newPlanningReport writes rep; withPlans says whether each zone names its plan.
func newPlanningReport(rep store.PlanningReport, withPlans bool) planningReport {
	parcelM2 := rep.Parcel.MapAreaM2
	out := planningReport{Parcel: parcelFeature(rep.Parcel), Zones: []reportZone{}, Roads: []reportRoad{},
		Ward: reportWards{New: []reportUnit{}}}
	if o := rep.OldWard; o != nil {
		out.Ward.Old = &reportUnit{Code: o.Code, Name: o.Name, Kind: o.Kind}
	}
	for _, w := range rep.NewWards {
		u := reportUnit{Code: w.Code, Name: w.Name, Kind: w.Kind, Succession: w.Succession}
		if w.OverlapM2 != nil {
			m2, pct := round2(*w.OverlapM2), round2(*w.OverlapM2/parcelM2*100)
			u.OverlapM2, u.SharePct = &m2, &pct
		}
		out.Ward.New = append(out.Ward.New, u)
	}
	var sum float64
	for _, z := range rep.Zones {
		sum += z.SharePct
		zone := reportZone{ID: z.ID, Code: z.Code, LandUse: z.LandUse,
			FunctionName: z.FunctionName, FAR: z.FAR, DensityPct: z.DensityPct, FloorsMin: z.FloorsMin,
			FloorsMax: z.FloorsMax, HeightMaxM: z.HeightMaxM, OverlapM2: round2(z.OverlapM2),
			SharePct: round3(z.SharePct)}
		if withPlans {
			zone.Plan = &reportPlan{ID: z.PlanID, Name: z.PlanName,
				DecisionNo: z.DecisionNo, DecisionDate: z.DecisionDate.Format("2006-01-02"),
				ApprovedBy: z.ApprovedBy, Scale: "1/" + strconv.Itoa(z.Scale)}
		}
		out.Zones = append(out.Zones, zone)
	}
	out.ZonesSharePct = round3(sum)
	for _, rd := range rep.Roads {
		out.Roads = append(out.Roads, reportRoad{ID: rd.ID, StreetID: rd.StreetID, Street: rd.StreetName,
			WidthM: rd.WidthM, PlanID: rd.PlanID, FrontageM: round2(rd.FrontageM), ReserveAreaM2: round2(rd.ReserveAreaM2),
			SharePct: round3(rd.ReserveAreaM2 / parcelM2 * 100)})
	}
	return out
}

// withoutHidden leaves out of rep what restricted layers the request may not read hold: the
// current wards the parcel overlaps (wards), the zones (planning_zones) and their plans
// (plans, left out by newPlanningReport), the road boundaries (road_boundaries). The old ward
// is the parcel's own ward code, part of the parcel.
func withoutHidden(rep store.PlanningReport, hidden map[string]bool) store.PlanningReport {
	if hidden[layerWards] {
		rep.NewWards = nil
	}
	if hidden[layerPlanningZones] {
		rep.Zones = nil
	}
	if hidden[layerRoadBoundaries] {
		rep.Roads = nil
	}
	return rep
}

// round2 keeps centimetres and square centimetres: more would be noise of the computation.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
