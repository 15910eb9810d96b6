#include "models/asgi/spec_machine.h"

namespace models {

SpecVerdict SpecMachine::Check(const Message& m) const {
  if (protocol_ == Protocol::kHttp) {
    if (state_ == State::kFinished) return SpecVerdict::kAfterComplete;
    if (state_ == State::kInitial) {
      return m.type == MessageType::kHttpResponseStart ? SpecVerdict::kValid
                                                       : SpecVerdict::kInvalid;
    }
    return m.type == MessageType::kHttpResponseBody ? SpecVerdict::kValid
                                                    : SpecVerdict::kInvalid;
  }
  if (state_ == State::kFinished) return SpecVerdict::kAfterOwnClose;
  if (state_ == State::kInitial) {
    return m.type == MessageType::kWsAccept || m.type == MessageType::kWsClose
               ? SpecVerdict::kValid
               : SpecVerdict::kInvalid;
  }
  return m.type == MessageType::kWsSend || m.type == MessageType::kWsClose
             ? SpecVerdict::kValid
             : SpecVerdict::kInvalid;
}

SpecVerdict SpecMachine::Apply(const Message& m) {
  const SpecVerdict v = Check(m);
  if (v != SpecVerdict::kValid) return v;
  if (protocol_ == Protocol::kHttp) {
    if (m.type == MessageType::kHttpResponseStart) state_ = State::kOpen;
    if (m.type == MessageType::kHttpResponseBody && !m.more_body) {
      state_ = State::kFinished;
    }
  } else {
    if (m.type == MessageType::kWsAccept) state_ = State::kOpen;
    if (m.type == MessageType::kWsClose) state_ = State::kFinished;
  }
  return v;
}

}  // namespace models
