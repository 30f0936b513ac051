/* Sex and birth date follow the citizen ID number (GB 11643-1999) as it is typed.
   Each ID input names the fields to fill in data-idcard-birth and data-idcard-sex; once the
   number is complete and valid they are set from it (the server does the same and refuses
   a mismatch, so this only saves typing). No network, no library. */
(function () {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";

  function parse(raw) {
    var value = (raw || "").trim().toUpperCase();
    if (!/^\d{17}[\dX]$/.test(value)) return null;
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += Number(value[i]) * WEIGHTS[i];
    if (CHECK[sum % 11] !== value[17]) return null;
    var y = Number(value.slice(6, 10)), m = Number(value.slice(10, 12)), d = Number(value.slice(12, 14));
    var day = new Date(Date.UTC(y, m - 1, d));
    if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return null;
    return {
      birth: value.slice(6, 10) + "-" + value.slice(10, 12) + "-" + value.slice(12, 14),
      sex: Number(value[16]) % 2 === 1 ? "M" : "F",
    };
  }

  function fill(input) {
    var info = parse(input.value);
    if (!info) return;
    var birth = document.getElementById(input.dataset.idcardBirth);
    var sex = document.getElementById(input.dataset.idcardSex);
    if (birth && birth.value !== info.birth) {
      birth.value = info.birth;
      birth.dispatchEvent(new Event("change", { bubbles: true }));
    }
    if (sex && sex.value !== info.sex) {
      sex.value = info.sex;
      sex.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function start() {
    document.querySelectorAll("input[data-idcard-birth], input[data-idcard-sex]").forEach(function (input) {
      input.addEventListener("input", function () { fill(input); });
      fill(input);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
