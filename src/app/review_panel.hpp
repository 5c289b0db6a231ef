#pragma once
// The side panel's "Review" section: practice mode (the next point to place, named and shown on a diagram of
// the schema, the list of points to go back to, Check) and the comparison with a reference (load / the models'
// prediction / clear, tolerance, mean and largest distance, the points over tolerance, the Cobb angles of
// both). It reads the state and acts only through the command table.
namespace keybot::app {

struct App;
struct UiState;

void draw_review_section(App& app, UiState& ui);

}  // namespace keybot::app
