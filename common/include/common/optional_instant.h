// OptionalInstant: std::optional<Instant> in 8 bytes instead of 16, for the dozen optional
// timestamps each case document carries. The empty state is Instant::min(), an instant no
// parsed timestamp takes (the adapters accept four-digit years only). It reads and writes as the
// std::optional it replaces: has_value(), *, ->, value_or(), reset(), = std::nullopt, and it
// converts both ways to std::optional<Instant>.
//
// Contract: storing Instant::min() makes the value empty. Thread-safety: a plain value.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>

namespace arkivvakt {

class OptionalInstant {
 public:
  using Instant = std::chrono::sys_seconds;

  constexpr OptionalInstant() noexcept = default;

  constexpr OptionalInstant(std::nullopt_t) noexcept {}  // NOLINT

  constexpr OptionalInstant(Instant t) noexcept : value_(t) {}  // NOLINT

  constexpr OptionalInstant(const std::optional<Instant>& t) noexcept  // NOLINT
      : value_(t.value_or(kEmpty)) {}

  constexpr operator std::optional<Instant>() const noexcept {  // NOLINT
    return has_value() ? std::optional<Instant>(value_) : std::nullopt;
  }

  constexpr bool has_value() const noexcept { return value_ != kEmpty; }

  constexpr explicit operator bool() const noexcept { return has_value(); }

  constexpr const Instant& operator*() const noexcept { return value_; }

  constexpr const Instant* operator->() const noexcept { return &value_; }

  constexpr const Instant& value() const {
    if (!has_value()) {
      throw std::bad_optional_access();
    }
    return value_;
  }

  constexpr Instant value_or(Instant fallback) const noexcept {
    return has_value() ? value_ : fallback;
  }

  constexpr void reset() noexcept { value_ = kEmpty; }

  friend constexpr bool operator==(OptionalInstant a, OptionalInstant b) noexcept {
    return a.value_ == b.value_;
  }

 private:
  static constexpr Instant kEmpty = Instant::min();
  Instant value_ = kEmpty;
};

static_assert(sizeof(OptionalInstant) == 8);

}  // namespace arkivvakt
