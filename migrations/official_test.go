package migrations

import "testing"

func TestOfficialUnits(t *testing.T) {
	units, err := OfficialUnits()
	if err != nil {
		t.Fatal(err)
	}
	count := map[[2]string]int{}
	byKey := map[[3]string]OfficialUnit{}
	for _, u := range units {
		count[[2]string{u.Era, u.Level}]++
		byKey[[3]string{u.Era, u.Level, u.Code}] = u
		if u.Name == "" || u.Kind == "" || u.Code == "" || (u.Level != "province") == (u.ParentCode == "") {
			t.Errorf("incomplete unit %+v", u)
		}
	}
	// SOURCE.md: 10,056 rows before (5 of them island districts without wards), 3,321 wards
	// after, 63 provinces before, 34 after
	for k, want := range map[[2]string]int{{"old", "ward"}: 10051, {"new", "ward"}: 3321, {"old", "province"}: 63, {"new", "province"}: 34} {
		if count[k] != want {
			t.Errorf("%v: %d units, want %d", k, count[k], want)
		}
	}
	if d := count[[2]string{"old", "district"}]; d < 690 || d > 720 {
		t.Errorf("%d districts before the reform", d)
	}
	for key, want := range map[[3]string]string{
		{"old", "ward", "26740"}: "Phường Bến Nghé", {"new", "ward", "26740"}: "Phường Sài Gòn",
		{"old", "district", "760"}: "Quận 1", {"new", "ward", "00004"}: "Phường Ba Đình",
		{"new", "province", "79"}: "Thành phố Hồ Chí Minh",
	} {
		if u := byKey[key]; u.Name != want {
			t.Errorf("%v = %q, want %q", key, u.Name, want)
		}
	}
	if u := byKey[[3]string{"new", "ward", "26740"}]; u.Kind != "Phường" || u.ParentCode != "79" || u.LabelLon < 106.6 || u.LabelLon > 106.8 || u.AreaKM2 <= 0 {
		t.Errorf("Phường Sài Gòn: %+v", u)
	}
	if u := byKey[[3]string{"old", "district", "760"}]; u.Kind != "Quận" || u.ParentCode != "79" {
		t.Errorf("Quận 1: %+v", u)
	}
}

func TestNationalConversionTable(t *testing.T) {
	national, err := NationalConversionTable()
	if err != nil {
		t.Fatal(err)
	}
	if len(national) != 10571 { // SOURCE.md
		t.Errorf("%d rows, want 10571", len(national))
	}
	cities, err := ConversionTable()
	if err != nil {
		t.Fatal(err)
	}
	have := map[ConversionRow]bool{}
	news := map[string]bool{}
	for _, r := range national {
		have[r] = true
		news[r.New.Code] = true
	}
	for _, r := range cities {
		if !have[r] {
			t.Errorf("Hanoi or Ho Chi Minh City row missing from the national table: %+v", r)
		}
	}
	// every unit of the list since 2025 is in the table, and nothing else
	units, err := OfficialUnits()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range units {
		if u.Era == "new" && u.Level == "ward" {
			n++
			if !news[u.Code] {
				t.Errorf("%s %s has no row", u.Code, u.Name)
			}
		}
	}
	if n != len(news) {
		t.Errorf("%d new units in the table, %d in the list", len(news), n)
	}
}
