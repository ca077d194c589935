#include "report/bench_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace chronicle::bench_report {

namespace {

using json = nlohmann::json;

std::string string_field(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double number_field(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

// Cache sizes are powers of two or whole KiB: "48 KiB", "2 MiB", "300 MiB".
std::string format_size(double bytes) {
  auto whole = [](double x) {
    return x == std::floor(x) ? std::to_string(static_cast<long long>(x)) : format_number(x);
  };
  if (bytes >= 1024.0 * 1024.0) return whole(bytes / (1024.0 * 1024.0)) + " MiB";
  if (bytes >= 1024.0) return whole(bytes / 1024.0) + " KiB";
  return whole(bytes) + " B";
}

// "L1d 48 KiB, L1i 32 KiB, L2 2 MiB, L3 300 MiB (shared by 2)".
std::string format_caches(const json& caches) {
  std::string out;
  if (!caches.is_array()) return out;
  for (const json& c : caches) {
    if (!c.is_object()) continue;
    const std::string type = string_field(c, "type");
    const auto level = static_cast<int>(number_field(c, "level"));
    std::string name = "L" + std::to_string(level);
    if (type == "Data") name += "d";
    if (type == "Instruction") name += "i";
    if (!out.empty()) out += ", ";
    out += name + " " + format_size(number_field(c, "size"));
    const auto sharing = static_cast<int>(number_field(c, "num_sharing"));
    if (sharing > 1) out += " (shared by " + std::to_string(sharing) + ")";
  }
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string display(const Figure& f, double scale, std::string_view unit) {
  switch (f.state) {
    case Figure::State::Found:
      return format_number(f.value * scale) + (unit.empty() ? "" : " ") + std::string(unit);
    case Figure::State::Failed:
      return "failed: " + f.error;
    case Figure::State::NotRun:
      break;
  }
  return "not run";
}

// Google Benchmark writes NaN, Infinity and -Infinity as bare words (the cv
// aggregate of a counter that is 0 in every repetition is NaN), which is not
// JSON. They become null, which the parser accepts and lookup() skips.
std::string replace_non_finite(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (std::string_view word : {"-Infinity", "Infinity", "NaN"}) {
      if (text.substr(i, word.size()) == word) {
        out += "null";
        i += word.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

}  // namespace

std::string format_number(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  const double a = std::fabs(v);
  // Thresholds on the rounded value, so that 99.97 prints "100", not "100.0".
  const char* fmt = a >= 99.95 || a == 0 ? "%.0f"
                    : a >= 9.995         ? "%.1f"
                    : a >= 0.9995        ? "%.2f"
                    : a >= 0.00995       ? "%.3f"
                                         : "%.3g";
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::optional<std::string> add_json(RunSet& set, std::string_view binary, std::string_view text) {
  // The non-throwing parse: a truncated file (a binary killed mid-run) is a
  // message, not an exception.
  const std::string clean = replace_non_finite(text);
  const json doc = json::parse(clean, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return std::string("not valid JSON");
  const auto context = doc.find("context");
  const auto benchmarks = doc.find("benchmarks");
  if (context == doc.end() || !context->is_object() || benchmarks == doc.end() ||
      !benchmarks->is_array()) {
    return std::string("no \"context\" object or \"benchmarks\" array");
  }
  BinaryResult r;
  r.date = string_field(*context, "date");
  r.host = string_field(*context, "host_name");
  r.num_cpus = number_field(*context, "num_cpus");
  r.mhz = number_field(*context, "mhz_per_cpu");
  r.build_type = string_field(*context, "library_build_type");
  if (const auto it = context->find("load_avg"); it != context->end() && it->is_array()) {
    for (const json& x : *it) {
      if (x.is_number()) r.load_avg.push_back(x.get<double>());
    }
  }
  if (const auto it = context->find("caches"); it != context->end()) r.caches = format_caches(*it);
  for (const json& b : *benchmarks) {
    if (!b.is_object()) continue;
    BenchRun run;
    run.name = string_field(b, "name");
    run.run_name = string_field(b, "run_name");
    if (run.run_name.empty()) run.run_name = run.name;
    run.run_type = string_field(b, "run_type");
    run.aggregate = string_field(b, "aggregate_name");
    if (const auto e = b.find("error_occurred");
        e != b.end() && e->is_boolean() && e->get<bool>()) {
      run.failed = true;
      run.error = string_field(b, "error_message");
    }
    for (const auto& [key, value] : b.items()) {
      if (value.is_number()) run.fields.emplace(key, value.get<double>());
    }
    r.runs.push_back(std::move(run));
  }
  set.binaries.insert_or_assign(std::string(binary), std::move(r));
  return std::nullopt;
}

Figure lookup(const RunSet& set, const Metric& m) {
  Figure f;
  const auto bin = set.binaries.find(m.binary);
  if (bin == set.binaries.end()) return f;
  std::vector<double> iterations;
  std::optional<double> med;
  for (const BenchRun& run : bin->second.runs) {
    if (run.run_name != m.run) continue;
    if (run.failed) {
      f.state = Figure::State::Failed;
      f.error = run.error.empty() ? "error_occurred" : run.error;
      return f;
    }
    const auto field = run.fields.find(m.field);
    if (field == run.fields.end()) continue;
    if (run.run_type == "aggregate") {
      if (run.aggregate == "median") med = field->second;
    } else {
      iterations.push_back(field->second);
    }
  }
  // Repetitions: Google Benchmark's median. One run: its value. Repetitions
  // written without aggregates (--benchmark_report_aggregates_only=false and
  // no aggregates): the median of the repetitions, the same figure.
  if (med) {
    f.state = Figure::State::Found;
    f.value = *med;
  } else if (!iterations.empty()) {
    f.state = Figure::State::Found;
    f.value = median(std::move(iterations));
  }
  return f;
}

RowResult evaluate(const Row& row, const RunSet& set) {
  RowResult out;
  const Figure value = lookup(set, row.value);
  out.value = display(value, row.scale, row.unit);

  Figure base;
  if (row.baseline) {
    base = lookup(set, *row.baseline);
    std::string label(row.baseline_label);
    out.baseline = (label.empty() ? "" : label + " ") + display(base, row.scale, row.unit);
  } else {
    out.baseline = "–";
  }

  const bool have_value = value.state == Figure::State::Found;
  std::optional<double> ratio;
  switch (row.ratio) {
    case RatioOf::None:
      break;
    case RatioOf::Rate:
    case RatioOf::Time:
      if (have_value && base.state == Figure::State::Found && base.value != 0)
        ratio = value.value / base.value;
      break;
    case RatioOf::RateCounter:
    case RatioOf::TimeCounter: {
      const Figure r = lookup(set, Metric{row.value.binary, row.value.run, row.ratio_counter});
      if (r.state == Figure::State::Found) ratio = r.value;
      break;
    }
  }
  const bool times = row.ratio == RatioOf::Time || row.ratio == RatioOf::TimeCounter;
  if (ratio) {
    out.ratio = format_number(*ratio) + (times ? "×" : "");
  } else {
    out.ratio = row.ratio == RatioOf::None ? "–" : "not run";
  }

  if (row.checks.empty()) {
    out.met = "–";
    return out;
  }
  bool met = true;
  for (const Check& c : row.checks) {
    std::optional<double> x;
    if (c.on == On::Value && have_value) x = value.value * row.scale;
    if (c.on == On::Ratio) x = ratio;
    if (!x) {
      out.met = "not run";
      return out;
    }
    met = met && (c.cmp == Cmp::AtLeast ? *x >= c.bound : *x <= c.bound);
  }
  out.met = met ? "yes" : "**no**";
  return out;
}

namespace {

void table_row(std::string& out, std::initializer_list<std::string_view> cells) {
  out += "|";
  for (std::string_view c : cells) {
    out += " ";
    out += c;
    out += " |";
  }
  out += "\n";
}

std::string join_load(const std::vector<double>& load) {
  std::string s;
  for (double x : load) s += (s.empty() ? "" : " ") + format_number(x);
  return s.empty() ? "–" : s;
}

}  // namespace

std::string render_markdown(const RunSet& set, const MachineInfo& machine,
                            const std::vector<Row>& rows) {
  std::string out = "# chronicle benchmark summary\n\n";
  out +=
      "Generated by `scripts/dev bench` (benches/bench_report). Each figure is the median of "
      "its repetitions; the baseline ran in the same binary and the same run (STYLE.md §7). "
      "\"not run\": the benchmark is not in this run's JSON files. Ratio: a plain number is "
      "chronicle's rate ÷ the baseline's (1 = as fast); n× is chronicle's time or size ÷ the "
      "baseline's (1× = as fast or as small).\n\n";

  // The context of the first binary that ran describes the machine; each
  // binary's own start time and load follow in the runs table.
  const BinaryResult* first = nullptr;
  std::string first_date, last_date;
  for (std::string_view b : bench_binaries()) {
    const auto it = set.binaries.find(b);
    if (it == set.binaries.end()) continue;
    if (first == nullptr) first = &it->second;
    if (first_date.empty() || it->second.date < first_date) first_date = it->second.date;
    if (last_date.empty() || it->second.date > last_date) last_date = it->second.date;
  }

  out += "## Machine and date\n\n| | |\n|---|---|\n";
  auto item = [&](std::string_view k, const std::string& v) {
    table_row(out, {k, v.empty() ? std::string_view("unknown") : std::string_view(v)});
  };
  item("date", first == nullptr          ? std::string("no results")
               : first_date == last_date ? first_date
                                         : first_date + " to " + last_date);
  item("code", machine.commit);
  if (first != nullptr) {
    item("host", first->host);
    item("CPUs", std::to_string(std::lround(first->num_cpus)) + " × " + machine.cpu_model + ", " +
                     std::to_string(std::lround(first->mhz)) + " MHz");
    item("caches", first->caches);
  } else {
    item("CPUs", machine.cpu_model);
  }
  item("memory", machine.memory);
  item("kernel", machine.kernel);
  item("compiler", machine.compiler);
  if (first != nullptr) item("benchmark library build", first->build_type);
  if (!machine.elapsed.empty()) item("whole run", machine.elapsed);
  out += "\n";

  out +=
      "## Runs\n\n| binary | started | load avg at start | benchmarks | failed |\n"
      "|---|---|---|---|---|\n";
  for (std::string_view b : bench_binaries()) {
    const auto it = set.binaries.find(b);
    if (it == set.binaries.end()) {
      table_row(out, {b, "not run", "–", "–", "–"});
      continue;
    }
    std::size_t failed = 0;
    std::vector<std::string_view> names;
    for (const BenchRun& r : it->second.runs) {
      if (r.run_type == "aggregate") continue;
      failed += r.failed;
      if (std::find(names.begin(), names.end(), r.run_name) == names.end())
        names.push_back(r.run_name);
    }
    table_row(out, {b, it->second.date, join_load(it->second.load_avg),
                    std::to_string(names.size()), std::to_string(failed)});
  }
  out += "\n";

  auto section = [&](Section s, const char* title) {
    out += title;
    out +=
        "\n\n| issue | figure | chronicle | baseline, same run | ratio | target | met? |\n"
        "|---|---|---|---|---|---|---|\n";
    for (const Row& row : rows) {
      if (row.section != s) continue;
      const RowResult r = evaluate(row, set);
      table_row(out, {row.issue, row.figure, r.value, r.baseline, r.ratio, row.target, r.met});
    }
    out += "\n";
  };
  section(Section::Target, "## Targets");
  section(Section::Extra, "## Cold reads, compression while a writer appends, roll time");
  return out;
}

}  // namespace chronicle::bench_report
