// The ASGI spec's state machines for what an app sends, as a reference
// oracle independent of any server model: which messages are valid in which
// state, per the www spec (2.3 to 2.5) and the main spec.
//
//   models::SpecMachine spec(models::Protocol::kHttp);
//   spec.Apply(models::Message::Start());  // kValid
//   spec.Apply(models::Message::Start());  // kInvalid (a second start)
//
// HTTP: start, then bodies until more_body is False; later messages are
// "ignored" (www spec: "any further messages on the channel will be
// ignored"). WebSocket: accept or close first; then sends until close; after
// the app's own close further messages are outside the spec (a second close
// should be an idempotent no-op, a send an error). Unknown types are invalid
// everywhere (main spec: "it should raise an exception").
//
// Thread-safety: a value type.
#ifndef HANGUP_MODELS_ASGI_SPEC_MACHINE_H_
#define HANGUP_MODELS_ASGI_SPEC_MACHINE_H_

#include "models/asgi/asgi.h"

namespace models {

enum class SpecVerdict : uint8_t {
  kValid,
  kInvalid,        // wrong order or unknown type: the spec wants an error
  kAfterComplete,  // HTTP after the final body: the spec says ignored
  kAfterOwnClose,  // WebSocket after the app's own close
};

class SpecMachine {
 public:
  explicit SpecMachine(Protocol protocol) : protocol_(protocol) {}

  // The verdict for `message` in the current state, without changing it.
  SpecVerdict Check(const Message& message) const;
  // Checks, then advances the state when the message is valid.
  SpecVerdict Apply(const Message& message);

  // The app's final message (the last body, or its close) was applied.
  bool finished() const { return state_ == State::kFinished; }

 private:
  enum class State : uint8_t { kInitial, kOpen, kFinished };
  Protocol protocol_;
  State state_ = State::kInitial;
};

}  // namespace models

#endif  // HANGUP_MODELS_ASGI_SPEC_MACHINE_H_
