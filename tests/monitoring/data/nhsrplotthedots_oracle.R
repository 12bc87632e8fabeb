# Expected results for tests/monitoring/test_spc.py, computed by NHSRplotthedots itself.
#
# Not run by the test suite (it needs R).  To regenerate the two CSV files beside this script:
#   1. R >= 4.1 with dplyr, rlang, tidyselect, assertthat, stringr;
#   2. the R/ folder of NHSRplotthedots 0.2.2 (github.com/nhs-r-community/NHSRplotthedots,
#      MIT licence) in ./R; with dplyr < 1.1 replace `.default = x` in
#      R/ptd_calculate_point_type.R by `TRUE ~ x` (same meaning);
#   3. Rscript nhsrplotthedots_oracle.R path/to/wellbeing_lib/data/ae_attendances_extract.csv
# It writes nhsrplotthedots_points.csv (one row per scenario x point) and
# nhsrplotthedots_summary.csv (NHSRplotthedots' summary(): one row per scenario x facet x
# rebase group), numbers to 17 significant digits.
args <- commandArgs(trailingOnly = TRUE)
suppressMessages({library(dplyr); library(rlang); library(tidyselect)})
for (f in c("ZZZ", "to_datetime", "ptd_spc_options", "ptd_validate_spc_options", "ptd_rebase",
            "ptd_target", "ptd_add_rebase_column", "ptd_add_target_column",
            "ptd_add_short_group_warnings", "ptd_spc_standard", "ptd_calculate_point_type",
            "ptd_calculate_assurance_type", "ptd_spc")) source(file.path("R", paste0(f, ".R")))

print.ptd_spc_options <- function(x, ...) invisible(x)
extract <- read.csv(args[[1]], colClasses = c(period = "Date", org_code = "character",
                                                type = "character"))
orgs <- c("RRK", "RJC", "RJ7", "R1K", "R1H", "RQM", "RJZ", "RAS", "RR1", "RQ1")

num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
points_out <- list(); summary_out <- list()
run <- function(name, d, value, facet = NULL, ...) {
  args <- list(d, value_field = value, date_field = "period", ...)
  if (!is.null(facet)) args$facet_field <- facet
  s <- suppressWarnings(do.call(ptd_spc.data.frame, args))
  p <- as.data.frame(s)
  points_out[[name]] <<- data.frame(
    scenario = name, facet = as.character(p$f), period = format(as.Date(p$x), "%Y-%m-%d"),
    value = num(p$y), rebase_group = p$rebase_group, mean = num(p$mean_col),
    lpl = num(p$lpl), upl = num(p$upl), outside_limits = p$outside_limits,
    relative_to_mean = p$relative_to_mean, close_to_limits = p$close_to_limits,
    special_cause_type = p$special_cause_type, special_cause_flag = p$special_cause_flag,
    point_type = p$point_type, short_group_warning = p$short_group_warning,
    target = num(p$target))
  sm <- as.data.frame(suppressWarnings(summary(s)))
  if (is.null(sm$f)) sm$f <- "no facet"
  if (is.null(sm$rebase_group)) sm$rebase_group <- 0
  if (is.null(sm$assurance_type)) sm$assurance_type <- NA
  summary_out[[name]] <<- data.frame(
    scenario = name, facet = as.character(sm$f), rebase_group = sm$rebase_group,
    mean = num(sm$mean_col), lpl = num(sm$lpl), upl = num(sm$upl), n = sm$n,
    common_cause = sm$common_cause, special_cause_improvement = sm$special_cause_improvement,
    special_cause_concern = sm$special_cause_concern, variation_type = sm$variation_type,
    assurance_type = ifelse(is.na(sm$assurance_type), "", sm$assurance_type))
}
pre <- as.Date("2018-04-01")
org <- function(codes, before = NULL) {
  d <- extract[extract$org_code %in% codes, ]
  if (!is.null(before)) d <- d[d$period < before, ]
  d
}
invisible(capture.output({
run("readme_rqm_target", org("RQM", pre), "breaches", improvement_direction = "decrease", target = 1200)
run("example_rjz", org("RJZ"), "breaches", improvement_direction = "decrease")
run("example_five_trusts", org(c("RAS", "RJZ", "RR1", "RJC", "RQ1")), "breaches", facet = "org_code",
    improvement_direction = "decrease")
run("vignette_rrk_stable", org("RRK", pre), "breaches", improvement_direction = "decrease")
run("vignette_rrk_rebase", org("RRK"), "breaches", improvement_direction = "decrease",
    rebase = as.Date("2018-07-01"))
run("vignette_six_trusts", org(c("RRK", "RJC", "RJ7", "R1K", "R1H", "RQM"), pre), "breaches",
    facet = "org_code", improvement_direction = "decrease")
run("deviations_england_rebase", org("England"), "attendances",
    rebase = as.Date(c("2017-04-01", "2018-04-01")))
run("england_attendances", org("England"), "attendances")
run("rjz_no_screening", org("RJZ"), "breaches", improvement_direction = "decrease",
    screen_outliers = FALSE)
run("six_trusts_fixed_12", org(c("RRK", "RJC", "RJ7", "R1K", "R1H", "RQM")), "breaches",
    facet = "org_code", improvement_direction = "decrease", fix_after_n_points = 12)
run("five_trusts_targets_rebase", org(c("RAS", "RJZ", "RR1", "RJC", "RQ1")), "attendances",
    facet = "org_code", improvement_direction = "increase",
    target = list(RAS = 9000, RJZ = 11000, RR1 = 12000, RJC = 5500),
    rebase = list(RJZ = as.Date("2017-04-01"), RAS = as.Date(c("2017-01-01", "2018-01-01"))))
run("rrk_admissions_neutral", org("RRK"), "admissions", improvement_direction = "neutral")
run("ten_trusts_admissions", org(orgs), "admissions", facet = "org_code",
    improvement_direction = "increase", target = 3000)
}))
pts <- do.call(rbind, points_out); sms <- do.call(rbind, summary_out)
write.csv(pts, "nhsrplotthedots_points.csv", row.names = FALSE)
write.csv(sms, "nhsrplotthedots_summary.csv", row.names = FALSE)
cat(nrow(pts), "points;", nrow(sms), "summary rows\n")

# the deviations vignette's hand-made series
data <- c(1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1)
date <- seq(as.Date("2021-03-22"), by = 1, length.out = 18)
df <- data.frame(data, date)
for (sc in c(TRUE, FALSE)) {
  s <- suppressWarnings(ptd_spc.data.frame(df, value_field = "data", date_field = "date", screen_outliers = sc))
  cat("screen", sc, sprintf("%.17g", c(s$upl[1], s$mean_col[1], s$lpl[1])), "\n")
  print(table(s$point_type))
}
