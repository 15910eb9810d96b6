// The app program parser's class, shared by its two files (app_parser.cc:
// steps; app_blocks.cc: conditions, task groups, try/except). Internal to
// models/lang: use ParseAppProgram (program_parser.h).
#ifndef HANGUP_MODELS_LANG_APP_PARSER_H_
#define HANGUP_MODELS_LANG_APP_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "models/app/program.h"
#include "models/lang/parse_context.h"
#include "yaml-cpp/yaml.h"

namespace models::lang::internal {

using Status = absl::Status;

class AppParser {
 public:
  AppParser(ParseContext& c, bool middleware)
      : c_(c), middleware_(middleware) {}

  Status Steps(const YAML::Node& n, const std::string& field, Block* out);
  bool uses_websocket() const { return uses_websocket_; }

 private:
  Status Step(const YAML::Node& n, const std::string& field, Block* out);
  Status Options(const YAML::Node& n, const std::string& field,
                 const std::string& op, std::vector<std::string> allowed) const;
  Status Send(const YAML::Node& step, const YAML::Node& arg,
              const std::string& field, models::Step* s);
  Status Receive(const YAML::Node& arg, const std::string& field,
                 models::Step* s) const;
  Status Int(const YAML::Node& n, const std::string& field, Value* out) const;
  Status Cond(const YAML::Node& n, const std::string& field, Condition* out);
  Status CondKey(const std::string& key, const YAML::Node& v,
                 const std::string& field, Condition* out);
  Status Tasks(const YAML::Node& n, const std::string& field, models::Step* s);
  Status Try(const YAML::Node& step, const YAML::Node& arg,
             const std::string& field, models::Step* s);
  Status Classes(const YAML::Node& n, const std::string& field,
                 std::vector<std::string>* out) const;
  Status Blocks(const std::string& op, const YAML::Node& step,
                const YAML::Node& arg, const std::string& field,
                models::Step* s);
  Status Composite(const std::string& op, const YAML::Node& step,
                   const YAML::Node& arg, const std::string& field,
                   models::Step* s);
  Status Simple(const std::string& op, const YAML::Node& step,
                const YAML::Node& arg, const std::string& field,
                models::Step* s);

  Status MiddlewareStep(const std::string& op, const YAML::Node& step,
                        const YAML::Node& arg, const std::string& field,
                        models::Step* s);

  ParseContext& c_;
  bool middleware_ = false;  // call-app, reraise, app-sent allowed
  bool uses_websocket_ = false;
  // Where a `reraise` may stand: the steps of an except handler (and the
  // branches of an `if` there), not inside another block or a task.
  bool reraise_ok_ = false;
};

}  // namespace models::lang::internal

#endif  // HANGUP_MODELS_LANG_APP_PARSER_H_
