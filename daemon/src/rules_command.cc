// arkivvakt rules check FILE... [--config FILE] [--format text|json]
// arkivvakt rules explain RULE_ID [--pack NAME|FILE]... [--config FILE]
// arkivvakt rules list [--pack NAME|FILE]... [--config FILE]
//
// `check` loads packs exactly as the daemon would (with the config's [rules.params] overrides)
// and reports the first problem as FILE:LINE; `explain` prints a rule in words with its source
// and parameters. Packs are named like in the config: a shipped pack name or a path.
#include <iostream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "checks/rule_pack.h"
#include "commands.h"
#include "config/config.h"
#include "service/cycle_setup.h"

namespace arkivvakt::daemon {

namespace {

struct RulesArgs {
  std::vector<std::string> files;
  std::vector<std::string> packs;
  std::string rule_id;
  std::string config;
  std::string format = "text";
};

const std::vector<std::string> kShippedPacks{"no-helse-omsorg", "se-socialtjanst"};

Result<checks::ParamOverrides> Overrides(const std::string& config) {
  if (config.empty()) {
    return checks::ParamOverrides{};
  }
  auto loaded = LoadConfig(config);
  if (!loaded.ok()) {
    return loaded.error();
  }
  return RuleParamOverrides(*loaded);
}

Result<std::shared_ptr<const checks::RuleSet>> LoadSet(const std::vector<std::string>& refs,
                                                       const std::string& config) {
  auto overrides = Overrides(config);
  if (!overrides.ok()) {
    return overrides.error();
  }
  return checks::RuleSet::Load(refs, checks::DefaultPackDirs(), *overrides);
}

int RunCheck(const RulesArgs& args) {
  auto set = LoadSet(args.files, args.config);
  if (args.format == "json") {
    boost::json::object out;
    out["ok"] = set.ok();
    if (!set.ok()) {
      out["error"] = set.error().message;
    } else {
      boost::json::array packs;
      for (const auto& pack : (*set)->packs) {
        boost::json::array rules;
        for (const auto& rule : pack->rules) {
          rules.push_back(boost::json::value(rule.id));
        }
        packs.push_back(boost::json::object{{"file", pack->file},
                                            {"id", pack->id},
                                            {"jurisdiction", JurisdictionCode(pack->jurisdiction)},
                                            {"timezone", pack->timezone.name()},
                                            {"rules", std::move(rules)}});
      }
      out["packs"] = std::move(packs);
    }
    std::cout << boost::json::serialize(out) << '\n';
    return set.ok() ? kExitOk : kExitError;
  }
  if (!set.ok()) {
    std::cerr << "arkivvakt rules check: " << set.error().message << '\n';
    return kExitError;
  }
  for (const auto& pack : (*set)->packs) {
    std::cout << pack->file << ": ok: pack " << pack->id << " ("
              << JurisdictionCode(pack->jurisdiction) << ", " << pack->timezone.name() << "), "
              << pack->rules.size() << " rules:";
    for (const auto& rule : pack->rules) {
      std::cout << ' ' << rule.id;
    }
    std::cout << '\n';
  }
  return kExitOk;
}

int RunExplain(const RulesArgs& args) {
  auto set = LoadSet(args.packs.empty() ? kShippedPacks : args.packs, args.config);
  if (!set.ok()) {
    std::cerr << "arkivvakt rules explain: " << set.error().message << '\n';
    return kExitError;
  }
  auto found = (*set)->Find(args.rule_id);
  if (!found) {
    std::cerr << "arkivvakt rules explain: no rule '" << args.rule_id << "' in the packs loaded\n";
    return kExitError;
  }
  std::cout << checks::ExplainRule(*found->first, *found->second);
  return kExitOk;
}

int RunList(const RulesArgs& args) {
  auto set = LoadSet(args.packs.empty() ? kShippedPacks : args.packs, args.config);
  if (!set.ok()) {
    std::cerr << "arkivvakt rules list: " << set.error().message << '\n';
    return kExitError;
  }
  for (const auto& pack : (*set)->packs) {
    for (const auto& rule : pack->rules) {
      std::cout << rule.id << '\t' << pack->id << '\t' << rule.title << '\n';
    }
  }
  return kExitOk;
}

}  // namespace

void RegisterRulesCommand(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<RulesArgs>();
  CLI::App* rules = app.add_subcommand("rules", "Validate and explain deadline rule packs");
  rules->require_subcommand(1);

  CLI::App* check =
      rules->add_subcommand("check", "Validate rule pack files (errors as FILE:LINE)");
  check->add_option("FILE", args->files, "Rule pack files or shipped pack names")->required();
  check->add_option("--config", args->config, "Config whose [rules.params] overrides to apply");
  check->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  check->callback([args, &runner] { runner = [args] { return RunCheck(*args); }; });

  CLI::App* explain = rules->add_subcommand("explain", "Print a rule in words with its source");
  explain->add_option("RULE_ID", args->rule_id, "Rule id, e.g. SE-OROS-01")->required();
  explain->add_option("--pack", args->packs, "Packs to look in (default: the shipped packs)");
  explain->add_option("--config", args->config, "Config whose [rules.params] overrides to apply");
  explain->callback([args, &runner] { runner = [args] { return RunExplain(*args); }; });

  CLI::App* list = rules->add_subcommand("list", "List the rules of packs");
  list->add_option("--pack", args->packs, "Packs to list (default: the shipped packs)");
  list->add_option("--config", args->config, "Config whose [rules.params] overrides to apply");
  list->callback([args, &runner] { runner = [args] { return RunList(*args); }; });
}

}  // namespace arkivvakt::daemon
