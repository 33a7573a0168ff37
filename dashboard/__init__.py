"""The Streamlit dashboard of stageplan (French UI); renders what planner/ computes."""
